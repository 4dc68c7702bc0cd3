package io.relaychat.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackoffTest {
    private static final Duration INITIAL = Duration.ofMillis(100);
    private static final Duration MAX = Duration.ofSeconds(5);

    @Test
    void eachWaitIsInTheUpperHalfOfAStepThatDoublesUpToTheCap() {
        Backoff backoff = new Backoff(INITIAL, MAX, new Random(7)::nextDouble);
        for (int failures = 0; failures < 80; failures++) {
            long step = Math.min(INITIAL.toMillis() << Math.min(failures, 20), MAX.toMillis());
            assertEquals(Duration.ofMillis(step), backoff.ceiling(failures), "step after " + failures + " failures");
            for (int draw = 0; draw < 50; draw++) {
                Duration delay = backoff.delay(failures);
                assertTrue(delay.compareTo(Duration.ofMillis(step / 2)) >= 0, delay + " below half of " + step + " ms");
                assertTrue(delay.compareTo(Duration.ofMillis(step)) <= 0, delay + " above " + step + " ms");
            }
        }
    }

    @Test
    void theExtremesOfTheRandomSourceGiveTheBoundsExactly() {
        assertEquals(Duration.ofMillis(50), new Backoff(INITIAL, MAX, () -> 0.0).delay(0));
        assertEquals(Duration.ofMillis(2_500), new Backoff(INITIAL, MAX, () -> 0.0).delay(1_000));
        assertTrue(new Backoff(INITIAL, MAX, () -> 0.999_999).delay(1_000).compareTo(MAX) <= 0);
        assertTrue(new Backoff(INITIAL, MAX, () -> 1.5).delay(3).compareTo(Duration.ofMillis(800)) <= 0,
                "a source out of range is held to it");
    }

    @Test
    void clientsThatFailTogetherSpreadTheirNextAttempts() {
        Backoff backoff = new Backoff(INITIAL, MAX, new Random(11)::nextDouble);
        Set<Duration> waits = new HashSet<>();
        for (int client = 0; client < 20; client++) {
            waits.add(backoff.delay(4));
        }
        assertTrue(waits.size() >= 15, "twenty clients drew only " + waits.size() + " different waits");
    }

    @Test
    void neverOverflowsHoweverManyFailures() {
        Backoff backoff = new Backoff(Duration.ofDays(1), Duration.ofDays(3), () -> 0.5);
        assertEquals(Duration.ofDays(3), backoff.ceiling(Integer.MAX_VALUE));
        assertTrue(backoff.delay(Integer.MAX_VALUE).compareTo(Duration.ofDays(3)) <= 0);
    }

    @Test
    void refusesBoundsThatMakeNoSense() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, MAX, () -> 0));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(MAX, INITIAL, () -> 0));
    }
}
