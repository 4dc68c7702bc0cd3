package io.relaychat.adapter.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.PlatformDependent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The writes bound for the WebSockets of one event loop, handed to it in batches.
 * <p>
 * A message to a room used to cost each recipient a task of its own on its loop, and another for its flush (the
 * flush consolidation schedules one per channel when no read is in progress), each waking the loop's selector when
 * it slept: up to 40 tasks and wake-ups for a room of 20. Here the threads that route messages queue writes, and one
 * task drains them: at most one task and one wake-up per batch, however many frames and channels it holds. Each
 * channel written in a batch is flushed once, at its end. Writes run in the order they were queued, which keeps
 * each WebSocket's frames in the order the core sent them.
 * <p>
 * A batch runs at most {@link #MAX_PER_RUN} writes, then lets the loop's reads and timers take their turn before the
 * next.
 * <p>
 * A thread that routes many messages in a row (a store's writer completing a batch of appends) can hold the
 * hand-offs back until it has routed them all ({@link #holdingHandOffs}): then each loop is handed the whole batch
 * in one task, where it would otherwise wake for every message, and its drain finds more to write and flush at once.
 */
final class LoopOutbox implements Runnable {
    static final int MAX_PER_RUN = 4096;
    private static final Logger log = LoggerFactory.getLogger(LoopOutbox.class);

    /** What a batch's writes ask for: a flush of their channel once the batch has run. Event loop only. */
    interface Flushable {
        void flushNow();
    }

    /** The outboxes a thread in {@link #holdingHandOffs} has queued writes on, to hand over once it is done. */
    private static final ThreadLocal<List<LoopOutbox>> HELD = new ThreadLocal<>();

    private final EventExecutor loop;
    /** Many routing threads offer, the loop alone polls: Netty's own task queue, without a node per write. */
    private final Queue<Runnable> queued = PlatformDependent.newMpscQueue();
    /** A drain is queued on the loop, or running and not yet past its last look at the queue. */
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** Channels written in the running batch, to flush at its end. Event loop only. */
    private final List<Flushable> written = new ArrayList<>();
    /** The running batch's text frames, framed once for all its uncompressed WebSockets. Event loop only. */
    private final SharedTextFrames frames = new SharedTextFrames();

    LoopOutbox(EventExecutor loop) {
        this.loop = loop;
    }

    /**
     * Queues a write, from any thread, to run on the loop in its turn; false when the loop is stopping and the
     * write will never run.
     */
    boolean post(Runnable write) {
        if (loop.isShuttingDown()) {
            return false;
        }
        queued.offer(write);
        if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
            List<LoopOutbox> held = HELD.get();
            if (held != null && !loop.inEventLoop()) {
                held.add(this); // scheduled stays set: other threads' writes wait for this hand-off too
                return true;
            }
            try {
                loop.execute(this);
            } catch (RejectedExecutionException stopping) {
                return false;
            }
        }
        return true;
    }

    /**
     * Runs {@code routing} on this thread with every outbox's hand-off held back, then hands each outbox its writes
     * in one task. A hold inside a hold is the outer one's. Writes a loop that stops meanwhile refuses are dropped
     * with its channels, as they would be had they reached it.
     */
    static void holdingHandOffs(Runnable routing) {
        if (HELD.get() != null) {
            routing.run();
            return;
        }
        List<LoopOutbox> held = new ArrayList<>(4);
        HELD.set(held);
        try {
            routing.run();
        } finally {
            HELD.remove();
            for (int i = 0; i < held.size(); i++) {
                held.get(i).handOver();
            }
        }
    }

    private void handOver() {
        try {
            loop.execute(this);
        } catch (RejectedExecutionException stopping) {
            // the loop is stopping, and its channels with it
        }
    }

    /**
     * From a write running in a batch: one socket's read-only view of the frame of {@code payload}, shared by the
     * batch's writes of it.
     */
    ByteBuf sharedFrame(byte[] payload, ByteBufAllocator allocator) {
        return frames.copyFor(payload, allocator);
    }

    /** From a write running in a batch: flush {@code channel} once the batch is over. */
    void flushAtEnd(Flushable channel) {
        written.add(channel);
    }

    @Override
    public void run() {
        int ran = 0;
        Runnable write;
        while (ran < MAX_PER_RUN && (write = queued.poll()) != null) {
            ran++;
            try {
                write.run();
            } catch (RuntimeException e) {
                log.warn("a WebSocket write failed", LogSafe.error(e));
            }
        }
        try {
            for (int i = 0; i < written.size(); i++) {
                try {
                    written.get(i).flushNow();
                } catch (RuntimeException e) {
                    log.warn("a WebSocket flush failed", LogSafe.error(e));
                }
            }
        } finally {
            // Whatever failed above, the loop's later writes must still be handed to it: the flag must come down.
            written.clear();
            frames.releaseAll();
            // A write offered after the last poll saw the flag still set and left the scheduling to us.
            scheduled.set(false);
            if (!queued.isEmpty() && scheduled.compareAndSet(false, true)) {
                handOver();
            }
        }
    }

    /** One outbox per event loop of a transport, made on first use. */
    static final class PerLoop {
        private final ConcurrentHashMap<EventExecutor, LoopOutbox> outboxes = new ConcurrentHashMap<>();

        LoopOutbox of(EventExecutor loop) {
            return outboxes.computeIfAbsent(loop, LoopOutbox::new);
        }
    }
}
