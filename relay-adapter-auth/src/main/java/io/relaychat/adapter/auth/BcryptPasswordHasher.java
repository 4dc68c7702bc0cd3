package io.relaychat.adapter.auth;

import io.relaychat.ports.out.PasswordHasher;
import io.relaychat.ports.out.RelayMetrics;
import org.mindrot.jbcrypt.BCrypt;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;

/**
 * bcrypt on a pool of its own ({@link WaitBoundedPool}). A hash costs ~80 ms at cost 10 on two cores, so it must
 * never run on a transport thread; a login storm queues there instead of stalling message delivery, but only
 * as far as a hash would wait at most {@code maxWait}: past it a request fails at once with
 * RejectedExecutionException, which transports answer as busy (503 {@code server_busy}, come back shortly), so
 * that a valid login never waits behind a whole flood. Threads run at low priority: delivery is more urgent
 * than a login.
 */
public final class BcryptPasswordHasher implements PasswordHasher, AutoCloseable {
    public static final int DEFAULT_COST = 10;
    public static final int MIN_COST = 4;
    public static final int MAX_COST = 16;
    /** A valid login waits at most about this long behind any flood, its own hash aside. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(1);

    private final int cost;
    private final WaitBoundedPool pool;

    /**
     * Times one hash at this cost first (a few milliseconds at cost 4, about 80 ms at 10), so that the pool's
     * bound means time on this machine from the first request on; every hash after is measured too.
     *
     * @param maxWait the longest a hash may be expected to wait for a thread; zero: no bound but the pool's count
     */
    public BcryptPasswordHasher(int cost, int threads, Duration maxWait) {
        this(cost, threads, maxWait, RelayMetrics.NONE);
    }

    /** {@code metrics}: told how long each hash waited for a thread. */
    public BcryptPasswordHasher(int cost, int threads, Duration maxWait, RelayMetrics metrics) {
        if (cost < MIN_COST || cost > MAX_COST) {
            throw new IllegalArgumentException("bcrypt cost must be between " + MIN_COST + " and " + MAX_COST);
        }
        this.cost = cost;
        long started = System.nanoTime();
        BCrypt.hashpw("calibration", BCrypt.gensalt(cost));
        Duration oneHash = Duration.ofNanos(System.nanoTime() - started);
        this.pool = new WaitBoundedPool("relay-bcrypt", threads, maxWait, oneHash, System::nanoTime, metrics);
    }

    public static BcryptPasswordHasher withCost(int cost) {
        return new BcryptPasswordHasher(cost, defaultThreads(), DEFAULT_MAX_WAIT);
    }

    /** All cores but one, so that hashing never takes every core from delivery. */
    public static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }

    @Override
    public CompletionStage<String> hash(String password) {
        return pool.submit(() -> BCrypt.hashpw(password, BCrypt.gensalt(cost)));
    }

    @Override
    public CompletionStage<Boolean> matches(String password, String hash) {
        return pool.submit(() -> {
            try {
                return hash != null && BCrypt.checkpw(password, normalize(hash));
            } catch (IllegalArgumentException | StringIndexOutOfBoundsException malformed) {
                return false;
            }
        });
    }

    /** jbcrypt reads only $2a$; $2b$ and $2y$ (what Python's bcrypt writes) hash the same way. */
    private static String normalize(String hash) {
        return hash.startsWith("$2b$") || hash.startsWith("$2y$") ? "$2a$" + hash.substring(4) : hash;
    }

    /** Hashes waiting for a thread now. */
    public int queued() {
        return pool.queued();
    }

    /** Stops the pool; hashing still queued is dropped and fails with {@link RejectedExecutionException}. */
    @Override
    public void close() {
        pool.close();
    }
}
