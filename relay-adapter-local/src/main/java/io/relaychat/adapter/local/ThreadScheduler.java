package io.relaychat.adapter.local;

import io.relaychat.ports.out.Scheduler;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Delayed tasks on one daemon thread: the core's timers are few and short (gap checks). */
public final class ThreadScheduler implements Scheduler, AutoCloseable {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "relay-timer");
        thread.setDaemon(true);
        return thread;
    });

    @Override
    public void schedule(Duration delay, Runnable task) {
        timer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
