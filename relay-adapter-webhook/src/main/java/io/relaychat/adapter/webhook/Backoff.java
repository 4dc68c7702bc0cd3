package io.relaychat.adapter.webhook;

import java.time.Duration;

/**
 * How long a failed event waits before its next try: doubling from the first delay up to the longest, then drawn
 * between half of that and all of it, so that the events of many rooms failed together are not all tried again in
 * the same instant against a receiver coming back, while each wait stays within a known bound.
 */
final class Backoff {
    private final long firstNanos;
    private final long maxNanos;

    Backoff(Duration first, Duration max) {
        this.firstNanos = first.toNanos();
        this.maxNanos = max.toNanos();
    }

    /** The wait before retry number {@code retry} (from 1); {@code random} is in [0, 1). */
    Duration delayBefore(int retry, double random) {
        int doublings = Math.min(Math.max(retry, 1) - 1, 62);
        long ceiling = firstNanos > (maxNanos >> doublings) ? maxNanos : Math.min(maxNanos, firstNanos << doublings);
        long half = ceiling / 2;
        return Duration.ofNanos(half + (long) (random * (ceiling - half)));
    }
}
