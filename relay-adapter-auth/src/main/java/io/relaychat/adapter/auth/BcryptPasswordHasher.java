package io.relaychat.adapter.auth;

import io.relaychat.ports.out.PasswordHasher;
import org.mindrot.jbcrypt.BCrypt;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * bcrypt on a bounded pool of its own. A hash costs ~80 ms at cost 10 on two cores, so it must never run
 * on a transport thread; a login storm queues here instead of
 * stalling message delivery; past the bound a request fails with RejectedExecutionException, which
 * transports answer as "busy". Threads run at low priority: delivery is more urgent than a login.
 */
public final class BcryptPasswordHasher implements PasswordHasher, AutoCloseable {
    public static final int DEFAULT_COST = 10;
    public static final int MIN_COST = 4;
    public static final int MAX_COST = 16;
    /** Hashes waiting past this many are refused: about 12 minutes of backlog at cost 10 on one thread. */
    public static final int DEFAULT_QUEUE_CAPACITY = 10_000;

    private final int cost;
    private final ExecutorService pool;

    public BcryptPasswordHasher(int cost, int threads, int queueCapacity) {
        if (cost < MIN_COST || cost > MAX_COST) {
            throw new IllegalArgumentException("bcrypt cost must be between " + MIN_COST + " and " + MAX_COST);
        }
        this.cost = cost;
        AtomicInteger counter = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(queueCapacity), task -> {
                    Thread thread = new Thread(task, "relay-bcrypt-" + counter.incrementAndGet());
                    thread.setDaemon(true);
                    thread.setPriority(Thread.MIN_PRIORITY);
                    return thread;
                });
    }

    public static BcryptPasswordHasher withCost(int cost) {
        return new BcryptPasswordHasher(cost, defaultThreads(), DEFAULT_QUEUE_CAPACITY);
    }

    /** All cores but one, so that hashing never takes every core from delivery. */
    public static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }

    @Override
    public CompletionStage<String> hash(String password) {
        return run(() -> BCrypt.hashpw(password, BCrypt.gensalt(cost)));
    }

    @Override
    public CompletionStage<Boolean> matches(String password, String hash) {
        return run(() -> {
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

    private <T> CompletionStage<T> run(Supplier<T> work) {
        HashTask<T> task = new HashTask<>(work);
        try {
            pool.execute(task);
        } catch (RejectedExecutionException busy) {
            task.result.completeExceptionally(busy);
        }
        return task.result;
    }

    /** Work whose caller learns of its end either way: done, failed, or dropped when the pool stops. */
    private static final class HashTask<T> implements Runnable {
        final CompletableFuture<T> result = new CompletableFuture<>();
        private final Supplier<T> work;

        HashTask(Supplier<T> work) {
            this.work = work;
        }

        @Override
        public void run() {
            try {
                result.complete(work.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }
    }

    /** Stops the pool; hashing still queued is dropped and fails with RejectedExecutionException. */
    @Override
    public void close() {
        for (Runnable dropped : pool.shutdownNow()) {
            ((HashTask<?>) dropped).result.completeExceptionally(new RejectedExecutionException("password hashing stopped"));
        }
    }
}
