package io.relaychat.adapter.netty;

import io.netty.util.concurrent.EventExecutor;

/**
 * For {@code io.relaychat.benchmarks.netty.LoopOutboxBenchmark} only: {@link LoopOutbox} is package-private, and the
 * benchmarks live in {@code io.relaychat.benchmarks..} (the architecture rules say so), so this class, compiled into
 * relay-benchmarks in the adapter's package, passes its calls straight through. Nothing else may use it. It holds no
 * JMH and no logic of its own, so what the benchmark measures is {@link LoopOutbox} itself.
 */
public final class BenchmarkOutbox {
    /** A channel a write asks to be flushed once its batch has run; called on the event loop. */
    public interface Flushable extends LoopOutbox.Flushable {
        @Override
        void flushNow();
    }

    private final LoopOutbox outbox;

    public BenchmarkOutbox(EventExecutor loop) {
        this.outbox = new LoopOutbox(loop);
    }

    /** {@link LoopOutbox#post}. */
    public boolean post(Runnable write) {
        return outbox.post(write);
    }

    /** {@link LoopOutbox#flushAtEnd}, from a write running in a batch. */
    public void flushAtEnd(Flushable channel) {
        outbox.flushAtEnd(channel);
    }

    /** {@link LoopOutbox#holdingHandOffs}. */
    public static void holdingHandOffs(Runnable routing) {
        LoopOutbox.holdingHandOffs(routing);
    }
}
