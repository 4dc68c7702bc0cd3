package io.relaychat.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Where the application's code runs: listener calls and the completion of the stages the client handed out, one at
 * a time on one thread, in the order the client's loop asked for them. Kept off the loop so that a slow or blocking
 * listener (even one that waits on a send's stage) can never stall reconnecting, acknowledging or resuming.
 * Thread-safe.
 */
final class Dispatcher {
    private static final System.Logger log = System.getLogger(Dispatcher.class.getName());

    private final RelayListener listener;
    private final ExecutorService thread;
    private volatile Thread current;

    Dispatcher(RelayListener listener, String threadName) {
        this.listener = listener;
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), task -> {
            Thread events = new Thread(task, threadName);
            events.setDaemon(true); // an application that forgets close() still exits
            current = events;
            return events;
        });
    }

    /** Calls the listener; what it throws is logged, never lets a later call be skipped. */
    void tell(Consumer<RelayListener> call) {
        run(() -> call.accept(listener));
    }

    <T> void complete(CompletableFuture<T> stage, T value) {
        run(() -> stage.complete(value));
    }

    void fail(CompletableFuture<?> stage, Throwable error) {
        run(() -> stage.completeExceptionally(error));
    }

    private void run(Runnable task) {
        try {
            thread.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.log(System.Logger.Level.WARNING, "a RelayListener call threw; the client goes on", e);
                }
            });
        } catch (RejectedExecutionException closed) {
            // After close: the Closed event was the last one the application hears of.
        }
    }

    boolean isDispatcherThread() {
        return Thread.currentThread() == current;
    }

    /** Runs what was asked for before, then ends the thread; does not wait. */
    void shutdown() {
        thread.shutdown();
    }

    /** Waits at most {@code millis} for the thread to end; true when it has (never waits on itself). */
    boolean awaitTermination(long millis) throws InterruptedException {
        return isDispatcherThread() ? thread.isTerminated() : thread.awaitTermination(millis, TimeUnit.MILLISECONDS);
    }
}
