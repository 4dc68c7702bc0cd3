package io.relaychat.domain;

import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.out.TimeSource;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One kind of request limited per key (a user, say): a {@link TokenBucket} each, made on first use. Buckets
 * that have refilled are dropped now and then, so memory holds only the keys busy lately, whatever the
 * number of keys an abuser invents.
 */
final class RateLimiter<K> {
    /** About this many acquisitions between two sweeps for full buckets: the sweep's cost spread over them. */
    private static final int SWEEP_EVERY = 4096;

    private final Rate rate;
    private final TimeSource time;
    /** Told of each refusal of {@link #tryAcquire}, for the metrics. */
    private final Runnable onRefusal;
    private final Map<K, TokenBucket> buckets = new ConcurrentHashMap<>();

    RateLimiter(Rate rate, TimeSource time) {
        this(rate, time, () -> { });
    }

    RateLimiter(Rate rate, TimeSource time, Runnable onRefusal) {
        this.rate = rate;
        this.time = time;
        this.onRefusal = onRefusal;
    }

    /** Empty when {@code key} may go ahead (and is charged for it); else the refusal saying when it may. */
    Optional<Refusal> tryAcquire(K key) {
        if (rate.isOff()) {
            return Optional.empty();
        }
        long now = time.nanoTime();
        // Sampled rather than counted: a counter shared by every event loop would be contended on every send.
        if (ThreadLocalRandom.current().nextInt(SWEEP_EVERY) == 0) {
            buckets.values().removeIf(bucket -> bucket.isFull(now));
        }
        Duration wait = bucket(key, now).tryTake(now);
        if (wait != null) {
            onRefusal.run();
        }
        return refusalAfter(wait);
    }

    /** Empty when {@code key} could go ahead now, without charging it; else the refusal saying when it could. */
    Optional<Refusal> check(K key) {
        if (rate.isOff()) {
            return Optional.empty();
        }
        TokenBucket bucket = buckets.get(key);
        return bucket == null ? Optional.empty() : refusalAfter(bucket.waitForNext(time.nanoTime()));
    }

    /** Charges {@code key} for something that turned out to count, such as a failed login. */
    void spend(K key) {
        if (rate.isOff()) {
            return;
        }
        long now = time.nanoTime();
        bucket(key, now).spend(now);
    }

    /** A plain read first: the key is there for every send but a sender's first, and computeIfAbsent costs more. */
    private TokenBucket bucket(K key, long now) {
        TokenBucket bucket = buckets.get(key);
        return bucket != null ? bucket : buckets.computeIfAbsent(key, k -> new TokenBucket(rate, now));
    }

    private static Optional<Refusal> refusalAfter(Duration wait) {
        return wait == null ? Optional.empty() : Optional.of(Refusal.rateLimited(wait));
    }

    int trackedKeys() {
        return buckets.size();
    }
}
