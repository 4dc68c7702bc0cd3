package io.relaychat.domain;

import java.time.Duration;

/**
 * One client's allowance of one kind of request: up to {@code capacity} at once, refilled at
 * {@code perSecond}. Pure arithmetic over the times it is given, so it is tested without waiting.
 * Guarded by its own monitor.
 */
final class TokenBucket {
    private final double capacity;
    private final double perSecond;
    private double tokens;
    private long lastNanos;

    TokenBucket(Rate rate, long nowNanos) {
        this.capacity = rate.burst();
        this.perSecond = rate.perSecond();
        this.tokens = capacity;
        this.lastNanos = nowNanos;
    }

    /** Takes one token; null when there was one, else how long until there will be. */
    synchronized Duration tryTake(long nowNanos) {
        Duration wait = waitForNext(nowNanos);
        if (wait == null) {
            tokens -= 1;
        }
        return wait;
    }

    /** How long until a token is there, without taking it; null when there is one now. */
    synchronized Duration waitForNext(long nowNanos) {
        refill(nowNanos);
        return tokens >= 1 ? null : Duration.ofNanos((long) Math.ceil((1 - tokens) / perSecond * 1e9));
    }

    /** Takes a token after the fact, for something that turned out to cost one; never below empty. */
    synchronized void spend(long nowNanos) {
        refill(nowNanos);
        tokens = Math.max(0, tokens - 1);
    }

    /** True when the bucket has refilled completely: it is no different from a new one and can be forgotten. */
    synchronized boolean isFull(long nowNanos) {
        refill(nowNanos);
        return tokens >= capacity;
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            tokens = Math.min(capacity, tokens + elapsed / 1e9 * perSecond);
            lastNanos = nowNanos;
        }
    }
}
