package io.relaychat.benchmarks.mongo;

import io.relaychat.adapter.mongo.BenchmarkInserts;
import io.relaychat.ports.model.DeliveryBatching;
import org.bson.RawBsonDocument;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The bookkeeping of {@code CombinedInserts}, the MongoDB store's sharing of inserts between rooms, on the CPU: a
 * burst of {@value #ROOMS} rooms each inserting one message, answered by a stand-in for the driver that completes
 * each insert on a thread of its own (as the driver's answer comes on its threads), with two inserts out at once as
 * in the store and a {@code DeliveryBatching} that just runs the answers. One operation is one document answered.
 * <p>
 * {@link #combined} goes through {@code CombinedInserts}: an insert goes out at once while fewer than two are out,
 * and what waits meanwhile goes as one insert (up to 512 documents) when one returns. {@link #onePerRoom} is the
 * path before it: each room's insert sent on its own, its answer straight to the room. The stand-in driver costs
 * one hand-off to its thread per insert and nothing else: no encoding, no connection check-out, no round trip,
 * which the real one pays per insert too and which are what combining saves. So the baseline is the cheapest a
 * send per room can be, and the ratio the least that combining saves the caller's side; the real saving, in the
 * driver and the server, is in the end-to-end figures. Beside the rate JMH prints {@code sends} and
 * {@code bursts}, each summed over the measurement: {@value #ROOMS} × bursts / sends is the documents per insert.
 * <p>
 * {@code CombinedInserts} is package-private: the benchmark reaches it through {@link BenchmarkInserts}, a
 * pass-through compiled into this module in the adapter's package. The documents are {@link RawBsonDocument}s, as
 * the store's are; the stand-in never reads them. On 2 cores the burst's thread and the answering thread take turns
 * on the CPUs: the figures are noisy, compare the two in one session.
 * <pre>
 * java -jar relay-benchmarks/target/relay-benchmarks.jar CombinedInsertsBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CombinedInsertsBenchmark {
    static final int ROOMS = 2000;
    /** As the store: {@code MongoMessageStore.INSERTS_IN_FLIGHT}. */
    private static final int IN_FLIGHT = 2;
    /** A burst not answered after this long lost an insert or an answer: fail rather than hang. */
    private static final long PATIENCE_SECONDS = 10;

    private ExecutorService driver;
    private Function<List<RawBsonDocument>, CompletableFuture<Void>> send;
    private BenchmarkInserts<RawBsonDocument> inserts;
    /** Each room's one document, the same every burst. */
    private List<List<RawBsonDocument>> rooms;
    /** Rooms of the running burst not answered yet; the last answer completes {@link #burstDone}. */
    private final AtomicInteger left = new AtomicInteger();
    /** Set before the burst's first insert, which publishes it to the answering thread. */
    private CompletableFuture<Void> burstDone;
    private final BiConsumer<Object, Throwable> answered = this::answered;

    @Setup
    public void start() {
        driver = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "stand-in-driver");
            thread.setDaemon(true);
            return thread;
        });
        send = documents -> {
            Sends.SENDS.increment();
            CompletableFuture<Void> sent = new CompletableFuture<>();
            driver.execute(() -> sent.complete(null));
            return sent;
        };
        inserts = new BenchmarkInserts<>(send, IN_FLIGHT, DeliveryBatching.NONE);
        rooms = new ArrayList<>(ROOMS);
        for (int r = 0; r < ROOMS; r++) {
            rooms.add(List.of(RawBsonDocument.parse(String.format(
                    "{\"id\": \"0190f5a2-7b3c-7d4e-8f%03d-%012d\", \"roomId\": \"room-%d\", \"seq\": {\"$numberLong\": \"4711\"},"
                            + " \"senderId\": \"9b8a7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d\", \"senderName\": \"alice\","
                            + " \"content\": \"hello there, how is everyone doing today?\","
                            + " \"createdAt\": {\"$date\": \"2026-11-27T12:00:00.123Z\"}, \"clientId\": \"c-42\"}",
                    r % 1000, r, r))));
        }
    }

    @TearDown
    public void stop() throws InterruptedException {
        driver.shutdown();
        if (!driver.awaitTermination(5, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the stand-in driver did not stop");
        }
    }

    /** Every room's insert through {@code CombinedInserts}. */
    @Benchmark
    @OperationsPerInvocation(ROOMS)
    public void combined(Sends sends) throws Exception {
        CompletableFuture<Void> done = beginBurst();
        for (int r = 0; r < ROOMS; r++) {
            inserts.insert(rooms.get(r)).whenComplete(answered);
        }
        endBurst(done, sends);
    }

    /** Every room's insert sent on its own, as before {@code CombinedInserts}. */
    @Benchmark
    @OperationsPerInvocation(ROOMS)
    public void onePerRoom(Sends sends) throws Exception {
        CompletableFuture<Void> done = beginBurst();
        for (int r = 0; r < ROOMS; r++) {
            send.apply(rooms.get(r)).whenComplete(answered);
        }
        endBurst(done, sends);
    }

    private CompletableFuture<Void> beginBurst() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        burstDone = done;
        left.set(ROOMS);
        return done;
    }

    private void endBurst(CompletableFuture<Void> done, Sends sends) throws Exception {
        done.get(PATIENCE_SECONDS, TimeUnit.SECONDS);
        sends.bursts++;
    }

    private void answered(Object outcome, Throwable error) {
        if (error != null) {
            burstDone.completeExceptionally(error);
        } else if (left.decrementAndGet() == 0) {
            burstDone.complete(null);
        }
    }

    /**
     * Beside the rate: the bursts run and the inserts sent meanwhile. JMH adds each up over the iterations; inserts
     * per burst is the one divided by the other.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Sends {
        static final LongAdder SENDS = new LongAdder();
        public long bursts;
        private long atStart;

        @Setup(Level.Iteration)
        public void reset() {
            bursts = 0;
            atStart = SENDS.sum();
        }

        public long sends() {
            return SENDS.sum() - atStart;
        }
    }
}
