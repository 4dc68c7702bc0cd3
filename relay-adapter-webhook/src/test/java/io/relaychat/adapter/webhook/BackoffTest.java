package io.relaychat.adapter.webhook;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The wait between tries: doubling, capped, and jittered within half of its ceiling. */
class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));

    @Test
    void eachRetryWaitsTwiceAsLongAsTheOneBeforeUpToTheLongest() {
        assertEquals(Duration.ofSeconds(1), ceiling(1));
        assertEquals(Duration.ofSeconds(2), ceiling(2));
        assertEquals(Duration.ofSeconds(4), ceiling(3));
        assertEquals(Duration.ofSeconds(32), ceiling(6));
        assertEquals(Duration.ofSeconds(60), ceiling(7));
        assertEquals(Duration.ofSeconds(60), ceiling(1_000), "no overflow however long it failed");
    }

    @Test
    void theJitterDrawsBetweenHalfTheCeilingAndAllOfIt() {
        assertEquals(Duration.ofMillis(2_000), backoff.delayBefore(3, 0.0));
        assertEquals(Duration.ofMillis(3_000), backoff.delayBefore(3, 0.5));
        assertEquals(Duration.ofSeconds(30), backoff.delayBefore(50, 0.0));
    }

    /** The longest the retry can wait: its draw at the top of the range, to the millisecond. */
    private Duration ceiling(int retry) {
        return Duration.ofMillis(Math.round(backoff.delayBefore(retry, 0.999_999).toNanos() / 1e6));
    }
}
