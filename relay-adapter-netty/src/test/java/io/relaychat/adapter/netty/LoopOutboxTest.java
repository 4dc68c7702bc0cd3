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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The outbox of one event loop: every write runs, each thread's in its order, each channel is flushed per batch, and
 * a thread holding its hand-offs gives each loop one task for all it wrote.
 */
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
    void aFlushThatFailsDoesNotStopTheOtherFlushesNorTheLoopsLaterWrites() {
        LoopOutbox outbox = new LoopOutbox(loop);
        List<String> ran = new ArrayList<>();
        outbox.post(() -> {
            outbox.flushAtEnd(() -> {
                throw new IllegalStateException("broken");
            });
            outbox.flushAtEnd(() -> ran.add("flushed"));
        });
        loop.submit(() -> { }).syncUninterruptibly(); // that batch is over

        outbox.post(() -> ran.add("later"));

        assertEquals(List.of("flushed", "later"), loop.submit(() -> List.copyOf(ran)).syncUninterruptibly().getNow());
    }
    /** A loop that counts the tasks handed to it: each is a wake-up when it sleeps. */
    private static final class CountingLoop extends DefaultEventLoop {
        final AtomicInteger tasks = new AtomicInteger();

        @Override
        public void execute(Runnable task) {
            tasks.incrementAndGet();
            super.execute(task);
        }
    }

    @Test
    void writesRoutedWhileHoldingHandOffsReachEachLoopInOneTaskOnceTheRoutingIsDone() throws InterruptedException {
        CountingLoop first = new CountingLoop();
        CountingLoop second = new CountingLoop();
        try {
            LoopOutbox one = new LoopOutbox(first);
            LoopOutbox two = new LoopOutbox(second);
            List<String> ran = new ArrayList<>(); // written on the first loop only
            List<String> ranOnSecond = new ArrayList<>();
            CountDownLatch otherThread = new CountDownLatch(1);
            int[] tasksDuringTheHold = new int[2];

            LoopOutbox.holdingHandOffs(() -> {
                for (int message = 1; message <= 3; message++) {
                    String text = "message " + message;
                    one.post(() -> ran.add("ann " + text));
                    two.post(() -> ranOnSecond.add("bob " + text));
                    one.post(() -> ran.add("answer " + text));
                }
                // Another thread's write meanwhile waits for the same hand-off instead of waking the loop itself.
                Thread other = new Thread(() -> {
                    one.post(() -> ran.add("other thread"));
                    otherThread.countDown();
                });
                other.start();
                try {
                    assertTrue(otherThread.await(5, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                LoopOutbox.holdingHandOffs(() -> one.post(() -> ran.add("nested"))); // the outer hold's
                tasksDuringTheHold[0] = first.tasks.get();
                tasksDuringTheHold[1] = second.tasks.get();
            });

            assertEquals(0, tasksDuringTheHold[0], "nothing reaches the first loop while routing goes on");
            assertEquals(0, tasksDuringTheHold[1], "nor the second");
            assertEquals(List.of("ann message 1", "answer message 1", "ann message 2", "answer message 2",
                            "ann message 3", "answer message 3", "other thread", "nested"),
                    first.submit(() -> List.copyOf(ran)).syncUninterruptibly().getNow());
            assertEquals(List.of("bob message 1", "bob message 2", "bob message 3"),
                    second.submit(() -> List.copyOf(ranOnSecond)).syncUninterruptibly().getNow());
            assertEquals(2, first.tasks.get(), "one hand-off for the whole batch, then the test's own look");
            assertEquals(2, second.tasks.get(), "one hand-off for the whole batch, then the test's own look");
        } finally {
            first.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            second.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void routingThatFailsStillHandsOverWhatItWroteBeforeFailing() {
        LoopOutbox outbox = new LoopOutbox(loop);
        List<String> ran = new ArrayList<>();

        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> LoopOutbox.holdingHandOffs(() -> {
                    outbox.post(() -> ran.add("before the failure"));
                    throw new IllegalStateException("routing broke");
                }));

        assertEquals("routing broke", failure.getMessage());
        assertEquals(List.of("before the failure"), loop.submit(() -> List.copyOf(ran)).syncUninterruptibly().getNow());
    }

    @Test
    void aStoppedLoopTakesNoMoreWrites() {
        LoopOutbox outbox = new LoopOutbox(loop);
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();

        assertFalse(outbox.post(() -> { }), "the caller releases what it meant to write");
    }
}
