package io.relaychat.domain;

import io.relaychat.ports.out.TimeSource;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One kind of request limited per key (a user, say): a {@link TokenBucket} each, made on first use. Buckets
 * that have refilled are dropped now and then, so memory holds only the keys busy lately, whatever the
 * number of keys an abuser invents.
 */
final class RateLimiter<K> {
    /** Acquisitions between two sweeps for full buckets: the sweep's cost spread over them. */
    private static final int SWEEP_EVERY = 4096;

    private final Rate rate;
    private final TimeSource time;
    private final Map<K, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong acquisitions = new AtomicLong();

    RateLimiter(Rate rate, TimeSource time) {
        this.rate = rate;
        this.time = time;
    }

    /** Empty when {@code key} may go ahead (and is charged for it); else how long until it may. */
    Optional<Duration> tryAcquire(K key) {
        if (rate.isOff()) {
            return Optional.empty();
        }
        long now = nanos(time.now());
        if (acquisitions.incrementAndGet() % SWEEP_EVERY == 0) {
            buckets.values().removeIf(bucket -> bucket.isFull(now));
        }
        return Optional.ofNullable(buckets.computeIfAbsent(key, k -> new TokenBucket(rate, now)).tryTake(now));
    }

    int trackedKeys() {
        return buckets.size();
    }

    private static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
}
