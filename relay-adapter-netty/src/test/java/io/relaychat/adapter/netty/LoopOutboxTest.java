package io.relaychat.adapter.netty;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The outbox of one event loop: every write runs, each thread's in its order, and each channel is flushed per batch. */
class LoopOutboxTest {
    private final EventLoop loop = new DefaultEventLoop();

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void writesFromManyThreadsAllRunOnTheLoopEachThreadsInTheOrderItQueuedThem() throws InterruptedException {
        LoopOutbox outbox = new LoopOutbox(loop);
        int threads = 8;
        int each = 20_000;
        List<List<Integer>> seen = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            seen.add(new ArrayList<>()); // touched on the loop only
        }
        CountDownLatch done = new CountDownLatch(threads * each);
        AtomicInteger offLoop = new AtomicInteger();
        List<Thread> producers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<Integer> mine = seen.get(t);
            Thread producer = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    int n = i;
                    assertTrue(outbox.post(() -> {
                        if (!loop.inEventLoop()) {
                            offLoop.incrementAndGet();
                        }
                        mine.add(n);
                        done.countDown();
                    }));
                }
            });
            producers.add(producer);
            producer.start();
        }
        for (Thread producer : producers) {
            producer.join();
        }

        assertTrue(done.await(30, TimeUnit.SECONDS), "every write ran; left: " + done.getCount());
        assertEquals(0, offLoop.get(), "writes run on the loop only");
        for (List<Integer> one : seen) {
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < each; i++) {
                expected.add(i);
            }
            assertEquals(expected, loop.submit(() -> List.copyOf(one)).syncUninterruptibly().getNow());
        }
    }

    @Test
    void aChannelWrittenSeveralTimesInOneBatchIsFlushedOnceAfterItsLastWrite() throws InterruptedException {
        LoopOutbox outbox = new LoopOutbox(loop);
        List<String> events = new ArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        // Hold the loop so that the writes below queue up and run as one batch.
        loop.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        LoopOutbox.Flushable ann = () -> events.add("flush ann");
        LoopOutbox.Flushable bob = () -> events.add("flush bob");
        outbox.post(() -> { events.add("ann 1"); outbox.flushAtEnd(ann); });
        outbox.post(() -> { events.add("bob 1"); outbox.flushAtEnd(bob); });
        outbox.post(() -> events.add("ann 2"));
        release.countDown();

        List<String> after = loop.submit(() -> List.copyOf(events)).syncUninterruptibly().getNow();
        assertEquals(List.of("ann 1", "bob 1", "ann 2", "flush ann", "flush bob"), after);
    }

    @Test
    void aWriteThatFailsDoesNotStopTheOnesAfterIt() {
        LoopOutbox outbox = new LoopOutbox(loop);
        List<String> ran = new ArrayList<>();
        outbox.post(() -> {
            throw new IllegalStateException("broken");
        });
        outbox.post(() -> ran.add("next"));

        assertEquals(List.of("next"), loop.submit(() -> List.copyOf(ran)).syncUninterruptibly().getNow());
    }

    @Test
    void aStoppedLoopTakesNoMoreWrites() {
        LoopOutbox outbox = new LoopOutbox(loop);
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();

        assertFalse(outbox.post(() -> { }), "the caller releases what it meant to write");
    }
}
