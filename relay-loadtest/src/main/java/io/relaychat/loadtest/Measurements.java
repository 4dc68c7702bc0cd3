package io.relaychat.loadtest;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Counters and the latency recorder, shared by every connection's event loop and the reporter. */
final class Measurements {
    private static final long MAX_LATENCY_MICROS = 60_000_000;

    private final Recorder latencyMicros = new Recorder(MAX_LATENCY_MICROS, 3);
    /** The deliveries whose sender is connected to another node than the receiver: what the cluster adds. */
    private final Recorder acrossNodesMicros = new Recorder(MAX_LATENCY_MICROS, 3);
    final LongAdder deliveries = new LongAdder();
    /** Every frame received, of any kind: quiet means the server has finished what joining set off. */
    final LongAdder frames = new LongAdder();
    final LongAdder serverErrors = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    final LongAdder disconnects = new LongAdder();
    private final AtomicInteger errorsShown = new AtomicInteger();

    void delivered(long latencyNanos, boolean acrossNodes) {
        deliveries.increment();
        long micros = Math.min(MAX_LATENCY_MICROS, Math.max(0, latencyNanos / 1000));
        latencyMicros.recordValue(micros);
        if (acrossNodes) {
            acrossNodesMicros.recordValue(micros);
        }
    }

    void serverError(String text) {
        serverErrors.increment();
        if (errorsShown.incrementAndGet() <= 5) {
            System.out.println("server said: " + text);
        }
    }

    /** Waits until a second passes without a frame, or {@code atMost}; returns the seconds waited. */
    double awaitQuiet(java.time.Duration atMost) throws InterruptedException {
        long started = System.nanoTime();
        long deadline = started + atMost.toNanos();
        long seen = frames.sum();
        long quietSince = started;
        while (System.nanoTime() < deadline) {
            Thread.sleep(50);
            long now = frames.sum();
            if (now != seen) {
                seen = now;
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince >= 1_000_000_000L) {
                break;
            }
        }
        return (System.nanoTime() - started) / 1e9;
    }

    /** Latencies recorded since the previous call. */
    Histogram takeInterval() {
        return latencyMicros.getIntervalHistogram();
    }

    /** Latencies of deliveries across nodes recorded since the previous call. */
    Histogram takeAcrossNodes() {
        return acrossNodesMicros.getIntervalHistogram();
    }
}
