package io.relaychat.benchmarks.netty;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import io.relaychat.adapter.netty.BenchmarkOutbox;
import io.relaychat.adapter.netty.ChatProtocol;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.MessageId;
import io.relaychat.ports.model.RoomEvent;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A store's writer completing a batch: one thread routes {@code messages} messages in a row, each to a room of
 * {@code recipients} WebSockets spread over two real event loops (NIO, as a server without epoll runs them), through
 * each loop's {@code LoopOutbox}; one operation is the whole batch, from the first write queued until every write
 * has run on its loop. So the figure holds the cross-thread hand-offs and the loops' wake-ups, which is what
 * {@code LoopOutbox.holdingHandOffs} exists to save: {@link #routedOneByOne} hands a loop its writes whenever it
 * has drained the ones before (up to one task per message), {@link #routedHoldingHandOffs} hands each loop the batch
 * in one task once it is all queued. With {@code encode} the routing thread encodes each message's
 * {@code chat_message} before queuing its writes, as the router does once per broadcast (about 0.8 µs, see
 * {@link BroadcastEncodeBenchmark}): the loops then drain faster than the messages come, and without the hold each
 * message is more likely to find its outboxes drained and hand them over again.
 * <p>
 * The writes are stand-ins, not {@code SessionWriter}s: each counts a frame on its WebSocket and asks for that
 * socket's flush at the end of the batch, as {@code SessionWriter} does, and the flush only counts (an
 * {@code EmbeddedChannel} runs on its own thread-less loop, which would take the hand-offs out of the figure). What
 * is left is the outbox's own cost: its queue, its flag, the tasks and the wake-ups. Beside the time JMH prints
 * {@code handOffs} and {@code batches}, each summed over the measurement: their ratio is the tasks handed to the
 * loops per batch (a loop awake when handed one is not woken again, so wake-ups are at most that).
 * <p>
 * {@code LoopOutbox} is package-private: the benchmark reaches it through {@link BenchmarkOutbox}, a pass-through
 * compiled into this module in the adapter's package. On 2 cores the routing thread and the two loops take turns on
 * the CPUs, so a woken loop may wait for one too (which weighs on the variant that wakes more) and the figures are
 * noisy; compare the two in one session.
 * <pre>
 * java -jar relay-benchmarks/target/relay-benchmarks.jar LoopOutboxBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LoopOutboxBenchmark {
    private static final int LOOPS = 2;
    /** A batch that has not run after this long lost a write or a hand-off: fail rather than hang. */
    private static final long PATIENCE_SECONDS = 10;

    @Param({"64"})
    public int messages;

    @Param({"20"})
    public int recipients;

    /** Whether each message is encoded to JSON before its writes are queued: the router's own work per message. */
    @Param({"false", "true"})
    public boolean encode;

    private CountingLoops group;
    private LoopShare[] shares;
    private Socket[] sockets;
    private final Runnable routing = this::route;
    /** Loops whose share of the running batch has not all run yet. */
    private final AtomicInteger loopsLeft = new AtomicInteger();
    /** Completed by the last write of the running batch. Set before its first write is queued, which publishes it. */
    private CompletableFuture<Void> batchDone;
    private RoomEvent.MessagePosted event;
    private Blackhole hole;

    @Setup
    public void start(Blackhole hole) {
        this.hole = hole;
        event = new RoomEvent.MessagePosted(new ChatMessage(new MessageId("2c5f0a8e-3b6d-4f1e-9a7c-5d2e8b1f4c33"),
                new RoomId("6f1c2a9e-0b7d-4a43-9c55-2a9f3e1d8b10"), new UserId("9b8a7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d"),
                "alice", "hello there, how is everyone doing today?", Instant.parse("2026-11-27T12:00:00.123Z"),
                List.of(), 4711, "c-42"));
        group = new CountingLoops(LOOPS);
        shares = new LoopShare[LOOPS];
        int i = 0;
        for (EventExecutor loop : group) {
            shares[i++] = new LoopShare(new BenchmarkOutbox(loop));
        }
        sockets = new Socket[recipients];
        for (int s = 0; s < recipients; s++) {
            LoopShare share = shares[s % LOOPS]; // as the acceptor spreads connections: each to the next loop
            sockets[s] = new Socket(share);
            share.sockets++;
        }
    }

    @TearDown
    public void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Each message's writes queued as it is routed; a loop is handed a task whenever its outbox has drained. */
    @Benchmark
    public void routedOneByOne(HandOffs handOffs) throws Exception {
        CompletableFuture<Void> done = beginBatch();
        route();
        endBatch(done, handOffs);
    }

    /** The whole batch queued first, then each loop handed it in one task. */
    @Benchmark
    public void routedHoldingHandOffs(HandOffs handOffs) throws Exception {
        CompletableFuture<Void> done = beginBatch();
        BenchmarkOutbox.holdingHandOffs(routing);
        endBatch(done, handOffs);
    }

    private CompletableFuture<Void> beginBatch() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        batchDone = done;
        loopsLeft.set(LOOPS);
        for (LoopShare share : shares) {
            share.writesLeft = messages * share.sockets; // its loop is idle: the previous batch has all run
        }
        return done;
    }

    private void route() {
        for (int m = 0; m < messages; m++) {
            if (encode) {
                hole.consume(ChatProtocol.encode(event));
            }
            for (Socket socket : sockets) {
                if (!socket.share.outbox.post(socket.write)) {
                    throw new IllegalStateException("the event loop is stopping");
                }
            }
        }
    }

    private void endBatch(CompletableFuture<Void> done, HandOffs handOffs) throws Exception {
        done.get(PATIENCE_SECONDS, TimeUnit.SECONDS);
        handOffs.batches++;
    }

    /** One event loop's outbox, and what is left of the running batch on it. Counters: that loop only. */
    private final class LoopShare {
        final BenchmarkOutbox outbox;
        int sockets;
        int writesLeft;

        LoopShare(BenchmarkOutbox outbox) {
            this.outbox = outbox;
        }

        void wrote() {
            if (--writesLeft == 0 && loopsLeft.decrementAndGet() == 0) {
                batchDone.complete(null);
            }
        }
    }

    /** A WebSocket as its writes see it: a frame counted, a flush asked for once per batch. Event loop only. */
    private static final class Socket implements BenchmarkOutbox.Flushable {
        final LoopShare share;
        final Runnable write = this::write;
        long framesOut;
        long flushes;
        boolean flushPending;

        Socket(LoopShare share) {
            this.share = share;
        }

        private void write() {
            framesOut++;
            if (!flushPending) {
                flushPending = true;
                share.outbox.flushAtEnd(this);
            }
            share.wrote();
        }

        @Override
        public void flushNow() {
            flushPending = false;
            flushes++;
        }
    }

    /**
     * Beside the time: the batches run and the tasks handed to the loops meanwhile. JMH adds each up over the
     * iterations; hand-offs per batch is the one divided by the other.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class HandOffs {
        public long batches;
        private long atStart;

        @Setup(Level.Iteration)
        public void reset() {
            batches = 0;
            atStart = CountingLoops.HAND_OFFS.sum();
        }

        public long handOffs() {
            return CountingLoops.HAND_OFFS.sum() - atStart;
        }
    }

    /** NIO event loops that count the tasks handed to them from any thread. */
    private static final class CountingLoops extends MultiThreadIoEventLoopGroup {
        static final LongAdder HAND_OFFS = new LongAdder();

        CountingLoops(int loops) {
            super(loops, NioIoHandler.newFactory());
        }

        @Override
        protected IoEventLoop newChild(Executor executor, IoHandlerFactory handlers, Object... args) {
            return new SingleThreadIoEventLoop(this, executor, handlers) {
                @Override
                public void execute(Runnable task) {
                    HAND_OFFS.increment();
                    super.execute(task);
                }
            };
        }
    }
}
