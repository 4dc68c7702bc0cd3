package io.relaychat.adapter.netty;

/**
 * The rate-limit refusals of one WebSocket within a sliding window. A client that backs off when told
 * {@code rate_limited} gets a few; one that goes on regardless is not a chat client, and is closed rather than
 * answered again and again. Event loop only.
 */
final class RateLimitStrikes {
    private final int max;
    private final long windowNanos;
    private long[] times;
    private int next;
    private long seen;

    /** More than {@code max} strikes within {@code windowNanos} are too many; {@code max} or the window 0: never. */
    RateLimitStrikes(int max, long windowNanos) {
        this.max = max;
        this.windowNanos = windowNanos;
    }

    /** Counts a refusal at {@code nanoTime}; true when it is one more than allowed within the window. */
    boolean strike(long nanoTime) {
        if (max == 0 || windowNanos == 0) {
            return false;
        }
        if (times == null) {
            times = new long[max];
        }
        // times[next] is the strike max strikes before this one, once there were that many.
        if (seen >= max && nanoTime - times[next] <= windowNanos) {
            return true;
        }
        times[next] = nanoTime;
        next = (next + 1) % max;
        seen++;
        return false;
    }
}
