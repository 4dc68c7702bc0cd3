package io.relaychat.client;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one thread a client's state lives on: every change to it (a frame in, a send out, a reconnect, a timer) is a
 * task here, so none of it needs a lock and they all happen in one order. After {@link #shutdown} a task is dropped,
 * not thrown back at whoever completed a network call late: nothing is left for it to update. Thread-safe.
 */
final class ClientLoop implements Executor {
    private final ScheduledThreadPoolExecutor thread;
    private volatile Thread current;

    ClientLoop(String threadName) {
        thread = new ScheduledThreadPoolExecutor(1, task -> {
            Thread loop = new Thread(task, threadName);
            loop.setDaemon(true); // an application that forgets close() still exits
            current = loop;
            return loop;
        });
        thread.setRemoveOnCancelPolicy(true); // a cancelled timer frees its task now, not when it would have run
    }

    @Override
    public void execute(Runnable task) {
        offer(task);
    }

    /** Queues {@code task}; false once shut down, so that a caller holding a stage can fail it instead. */
    boolean offer(Runnable task) {
        try {
            thread.execute(task);
            return true;
        } catch (RejectedExecutionException closed) {
            return false;
        }
    }

    /** Runs {@code task} after {@code millis}; null once shut down. */
    ScheduledFuture<?> schedule(Runnable task, long millis) {
        try {
            return thread.schedule(task, Math.max(0, millis), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            return null;
        }
    }

    ScheduledFuture<?> every(Runnable task, long millis) {
        try {
            return thread.scheduleWithFixedDelay(task, millis, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            return null;
        }
    }

    boolean inLoop() {
        return Thread.currentThread() == current;
    }

    /** Drops the timers still waiting, runs what was queued, then ends the thread; does not wait. */
    void shutdown() {
        thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        thread.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        thread.shutdown();
    }

    /** Waits at most {@code millis} for the thread to end; true when it has (never waits on itself). */
    boolean awaitTermination(long millis) throws InterruptedException {
        return inLoop() ? thread.isTerminated() : thread.awaitTermination(millis, TimeUnit.MILLISECONDS);
    }
}
