package io.relaychat.domain;

import io.relaychat.ports.model.Refusal;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Token buckets per key, on a clock the test moves. */
class RateLimiterTest {
    private final TestClock clock = new TestClock();

    @Test
    void aBurstIsAllowedAtOnceThenTheRateDecidesAndTheRefusalSaysHowLongToWait() {
        RateLimiter<String> limiter = new RateLimiter<>(new Rate(2, 3), clock);

        for (int i = 0; i < 3; i++) {
            assertEquals(Optional.empty(), limiter.tryAcquire("ann"), "within the burst: " + i);
        }
        assertEquals(Optional.of(Refusal.rateLimited(Duration.ofMillis(500))), limiter.tryAcquire("ann"));
        clock.advance(Duration.ofMillis(499));
        assertTrue(limiter.tryAcquire("ann").isPresent(), "not yet");
        clock.advance(Duration.ofMillis(1));
        assertEquals(Optional.empty(), limiter.tryAcquire("ann"), "one token after 500 ms at 2 per second");
        assertTrue(limiter.tryAcquire("ann").isPresent());
    }

    @Test
    void eachKeyHasItsOwnAllowance() {
        RateLimiter<String> limiter = new RateLimiter<>(new Rate(1, 1), clock);

        assertEquals(Optional.empty(), limiter.tryAcquire("ann"));
        assertTrue(limiter.tryAcquire("ann").isPresent());
        assertEquals(Optional.empty(), limiter.tryAcquire("bob"));
    }

    @Test
    void savingUpNeverGivesMoreThanTheBurst() {
        RateLimiter<String> limiter = new RateLimiter<>(new Rate(10, 2), clock);
        limiter.tryAcquire("ann");
        clock.advance(Duration.ofHours(1));

        assertEquals(Optional.empty(), limiter.tryAcquire("ann"));
        assertEquals(Optional.empty(), limiter.tryAcquire("ann"));
        assertTrue(limiter.tryAcquire("ann").isPresent(), "an hour's quiet is worth the burst, not 36 000");
    }

    @Test
    void offAllowsAnythingAndRemembersNobody() {
        RateLimiter<Integer> limiter = new RateLimiter<>(Rate.OFF, clock);

        for (int i = 0; i < 10_000; i++) {
            assertEquals(Optional.empty(), limiter.tryAcquire(i % 3));
        }
        assertEquals(0, limiter.trackedKeys());
    }

    @Test
    void keysThatWentQuietAreForgottenSoMemoryFollowsOnlyTheBusyOnes() {
        RateLimiter<Integer> limiter = new RateLimiter<>(new Rate(100, 5), clock);
        for (int i = 0; i < 4000; i++) {
            limiter.tryAcquire(i); // an abuser inventing keys
        }
        clock.advance(Duration.ofSeconds(1)); // every bucket has refilled

        for (int i = 0; i < 100_000; i++) { // sweeps are sampled, about one in 4096 acquisitions
            limiter.tryAcquire(-1);
        }

        assertTrue(limiter.trackedKeys() < 100, limiter.trackedKeys() + " keys still held");
    }

    @Test
    void perPeriodRatesRefillEvenly() {
        Rate hundredAnHour = Rate.of(100, Duration.ofHours(1));

        assertEquals(100, hundredAnHour.burst());
        assertEquals(100 / 3600.0, hundredAnHour.perSecond(), 1e-12);
        assertTrue(Rate.of(0, Duration.ofHours(1)).isOff());
    }

    @Test
    void spendingAfterTheFactChargesWhatCheckingLeftFree() {
        RateLimiter<String> limiter = new RateLimiter<>(new Rate(1, 2), clock);

        assertEquals(Optional.empty(), limiter.check("ann"), "checking costs nothing");
        limiter.spend("ann");
        assertEquals(Optional.empty(), limiter.check("ann"));
        limiter.spend("ann");
        assertEquals(Optional.of(Refusal.rateLimited(Duration.ofSeconds(1))), limiter.check("ann"));
        limiter.spend("ann");
        assertEquals(Optional.of(Refusal.rateLimited(Duration.ofSeconds(1))), limiter.check("ann"), "spending never goes below empty");
    }

    @Test
    void theRateRunsOnTheMonotonicClockNotTheWallClock() {
        class SteppedBack implements io.relaychat.ports.out.TimeSource {
            long nanos;

            @Override
            public java.time.Instant now() {
                return java.time.Instant.EPOCH; // a wall clock stepped back, and stuck there
            }

            @Override
            public long nanoTime() {
                return nanos;
            }
        }
        SteppedBack time = new SteppedBack();
        RateLimiter<String> limiter = new RateLimiter<>(new Rate(1, 1), time);
        limiter.tryAcquire("ann");

        time.nanos += 1_000_000_000L;

        assertEquals(Optional.empty(), limiter.tryAcquire("ann"), "a second passed on the monotonic clock");
    }
}
