package io.relaychat.ports.out;

import java.time.Duration;

/** Runs a task once after a delay, on some thread of the implementation's; the core owns no threads. */
@FunctionalInterface
public interface Scheduler {
    void schedule(Duration delay, Runnable task);
}
