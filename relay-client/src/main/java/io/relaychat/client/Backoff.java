package io.relaychat.client;

import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * How long to wait before the next attempt after {@code failures} failed ones in a row: exponential, capped, with
 * "equal jitter" (a random point in the upper half of the step). The jitter keeps the clients a restarted server
 * dropped all at once from coming back all at once; the lower half is kept so that a wait never shrinks to nothing.
 * Pure: the randomness is given, so the bounds can be tested. Thread-safe if the random source is.
 */
final class Backoff {
    private final long initialNanos;
    private final long maxNanos;
    private final DoubleSupplier random;

    /** {@code random}: values in [0, 1), as {@code ThreadLocalRandom.current()::nextDouble} gives. */
    Backoff(Duration initial, Duration max, DoubleSupplier random) {
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial must be positive, got " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max must be at least initial, got " + max + " < " + initial);
        }
        this.initialNanos = initial.toNanos();
        this.maxNanos = max.toNanos();
        this.random = Objects.requireNonNull(random, "random");
    }

    /** The step before jitter: initial × 2^failures, at most max. */
    Duration ceiling(int failures) {
        return Duration.ofNanos(step(failures));
    }

    /** A wait in [step / 2, step], where step is {@link #ceiling}. */
    Duration delay(int failures) {
        long step = step(failures);
        double r = Math.min(Math.max(random.getAsDouble(), 0.0), 1.0);
        long half = step / 2;
        return Duration.ofNanos(half + (long) ((step - half) * r));
    }

    private long step(int failures) {
        if (failures <= 0) {
            return initialNanos;
        }
        // Shifted only while it cannot overflow; past that the cap holds anyway.
        int shift = Math.min(failures, 62 - (63 - Long.numberOfLeadingZeros(initialNanos)));
        long step = shift <= 0 ? maxNanos : initialNanos << shift;
        return step <= 0 ? maxNanos : Math.min(step, maxNanos);
    }
}
