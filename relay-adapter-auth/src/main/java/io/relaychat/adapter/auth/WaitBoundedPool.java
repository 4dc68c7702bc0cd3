package io.relaychat.adapter.auth;

import io.relaychat.ports.out.RelayMetrics;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A few threads for slow work of one kind (password hashes), refusing a task that would wait longer than a
 * bound rather than past a count: its wait is estimated as the tasks ahead of it (queued and running) over the
 * threads, times a running average of how long a task has taken, measured. A count says nothing about time: the
 * same 10 000 tasks are seconds at one cost and machine and many minutes at another. Refused work fails with
 * {@link RejectedExecutionException} at once, so its caller can tell its client to come back, instead of making
 * a valid login wait behind a whole flood. Threads run at low priority: delivery is more urgent than a login.
 */
final class WaitBoundedPool implements AutoCloseable {
    /**
     * Whatever the wait bound (0 included, which turns it off), never more than this many tasks wait: the
     * memory they hold is bounded even before anything has been measured.
     */
    static final int MAX_QUEUED = 10_000;
    /** Each new measurement moves the average by a quarter of its difference: a change of machine load shows within a few tasks. */
    private static final int AVERAGE_WEIGHT = 4;

    private final int threads;
    private final long maxWaitNanos;
    private final LongSupplier nanoClock;
    private final ThreadPoolExecutor pool;
    /** Tasks admitted and not yet finished: queued and running. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong averageNanos;
    private final RelayMetrics metrics;

    /**
     * @param threads         how many tasks run at once
     * @param maxWait         the longest a task may be expected to wait before it starts; zero: no bound but
     *                        {@link #MAX_QUEUED}
     * @param initialEstimate how long a task takes until one has been measured
     * @param nanoClock       the clock tasks are timed with ({@code System::nanoTime}, or a test's)
     */
    WaitBoundedPool(String name, int threads, Duration maxWait, Duration initialEstimate, LongSupplier nanoClock) {
        this(name, threads, maxWait, initialEstimate, nanoClock, RelayMetrics.NONE);
    }

    /** {@code metrics}: told how long each task waited for a thread. */
    WaitBoundedPool(String name, int threads, Duration maxWait, Duration initialEstimate, LongSupplier nanoClock,
                    RelayMetrics metrics) {
        this.metrics = metrics;
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative (0 turns the bound off)");
        }
        this.threads = threads;
        this.maxWaitNanos = maxWait.toNanos();
        this.nanoClock = nanoClock;
        this.averageNanos = new AtomicLong(Math.max(1, initialEstimate.toNanos()));
        AtomicInteger counter = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(MAX_QUEUED),
                task -> {
                    Thread thread = new Thread(task, name + "-" + counter.incrementAndGet());
                    thread.setDaemon(true);
                    thread.setPriority(Thread.MIN_PRIORITY);
                    return thread;
                });
    }

    /** The work's result, or a failure with RejectedExecutionException when it would wait too long or the pool stopped. */
    <T> CompletionStage<T> submit(Supplier<T> work) {
        if (!admit()) {
            return CompletableFuture.failedFuture(new RejectedExecutionException(
                    "busy: the work ahead would take longer than " + Duration.ofNanos(maxWaitNanos).toMillis() + " ms"));
        }
        Task<T> task = new Task<>(work);
        try {
            pool.execute(task);
        } catch (RejectedExecutionException full) {
            inFlight.decrementAndGet();
            task.result.completeExceptionally(full);
        }
        return task.result;
    }

    /** Takes a place for one more task if its estimated wait is within the bound; atomic, so a burst cannot overshoot. */
    private boolean admit() {
        while (true) {
            int ahead = inFlight.get();
            if (maxWaitNanos > 0 && estimatedWaitNanos(ahead) > maxWaitNanos) {
                return false;
            }
            if (inFlight.compareAndSet(ahead, ahead + 1)) {
                return true;
            }
        }
    }

    /**
     * None while a thread is free; else the tasks that must finish before this one starts, over the threads, at
     * the average time each: an upper estimate, since the running ones are partly done.
     */
    private long estimatedWaitNanos(int ahead) {
        if (ahead < threads) {
            return 0;
        }
        return (ahead - threads + 1) * averageNanos.get() / threads;
    }

    /** How long a new task would be expected to wait now. */
    Duration estimatedWait() {
        return Duration.ofNanos(estimatedWaitNanos(inFlight.get()));
    }

    /** Tasks admitted that wait for a thread: read when metrics are scraped. */
    int queued() {
        return pool.getQueue().size();
    }

    /** The running average of a task's time. */
    Duration averageTaskTime() {
        return Duration.ofNanos(averageNanos.get());
    }

    private void measured(long nanos) {
        averageNanos.updateAndGet(average -> Math.max(1, average + (nanos - average) / AVERAGE_WEIGHT));
    }

    /** Work whose caller learns of its end either way: done, failed, or dropped when the pool stops. */
    private final class Task<T> implements Runnable {
        final CompletableFuture<T> result = new CompletableFuture<>();
        private final Supplier<T> work;
        private final long queuedAt = metrics.timestamp();

        Task(Supplier<T> work) {
            this.work = work;
        }

        /** Its place is given back before its caller hears, so that what the caller does next finds it free. */
        @Override
        public void run() {
            metrics.bcryptStarted(queuedAt);
            long started = nanoClock.getAsLong();
            T value = null;
            Throwable failure = null;
            try {
                value = work.get();
                measured(nanoClock.getAsLong() - started);
            } catch (Throwable e) {
                failure = e;
            }
            inFlight.decrementAndGet();
            if (failure == null) {
                result.complete(value);
                return;
            }
            result.completeExceptionally(failure);
            if (failure instanceof Error error) {
                throw error;
            }
        }

        void dropped() {
            inFlight.decrementAndGet();
            result.completeExceptionally(new RejectedExecutionException("stopped"));
        }
    }

    /** Stops the threads; work still queued is dropped and fails with RejectedExecutionException. */
    @Override
    public void close() {
        for (Runnable dropped : pool.shutdownNow()) {
            ((Task<?>) dropped).dropped();
        }
    }
}
