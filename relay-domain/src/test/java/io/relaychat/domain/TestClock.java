package io.relaychat.domain;

import io.relaychat.ports.out.TimeSource;

import java.time.Duration;
import java.time.Instant;

/** A clock the test moves: rate limits and timestamps without waiting. */
final class TestClock implements TimeSource {
    private Instant now = Instant.parse("2026-12-01T12:00:00Z");
    private long nanos = 1_000_000_000L;

    @Override
    public synchronized Instant now() {
        return now;
    }

    @Override
    public synchronized long nanoTime() {
        return nanos;
    }

    /** Moves both clocks, the wall clock and the monotonic one. */
    synchronized void advance(Duration by) {
        now = now.plus(by);
        nanos += by.toNanos();
    }
}
