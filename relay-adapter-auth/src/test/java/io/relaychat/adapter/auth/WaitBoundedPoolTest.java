package io.relaychat.adapter.auth;

import io.relaychat.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import static io.relaychat.testkit.Await.failure;
import static io.relaychat.testkit.Await.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pool's bound is a wait, not a count. Its clock is the test's: a task "takes" what it adds to the clock
 * while it runs, so the measured times are exact and nothing waits on wall time.
 */
class WaitBoundedPoolTest {
    private static final Duration SECOND = Duration.ofSeconds(1);

    private final AtomicLong clock = new AtomicLong();
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<WaitBoundedPool> pools = new ArrayList<>();

    @AfterEach
    void stop() {
        release.countDown();
        pools.forEach(WaitBoundedPool::close);
    }

    private WaitBoundedPool pool(int threads, Duration maxWait, Duration initialEstimate) {
        WaitBoundedPool pool = new WaitBoundedPool("test-pool", threads, maxWait, initialEstimate, clock::get);
        pools.add(pool);
        return pool;
    }

    /** A hash that takes {@code time} by the test's clock. */
    private String takes(Duration time) {
        clock.addAndGet(time.toNanos());
        return "hash";
    }

    /** A hash that holds its thread until the test lets it go. */
    private String holds() {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "held";
    }

    /** How many more tasks the pool takes while its threads are held, up to the first refused. */
    private static int admittedUntilRefused(WaitBoundedPool pool) {
        for (int admitted = 0; admitted < 1000; admitted++) {
            CompletionStage<String> task = pool.submit(() -> "queued");
            if (task.toCompletableFuture().isCompletedExceptionally()) {
                assertInstanceOf(RejectedExecutionException.class, failure(task), "refused as busy");
                return admitted;
            }
        }
        throw new AssertionError("never refused");
    }

    @Test
    void aHashIsRefusedAtOnceWhenTheHashesAheadOfItWouldTakeLongerThanTheBound() {
        WaitBoundedPool pool = pool(1, SECOND, Duration.ofMillis(100));
        pool.submit(this::holds);
        Await.until("the thread is taken", () -> pool.estimatedWait().equals(Duration.ofMillis(100)));

        assertEquals(10, admittedUntilRefused(pool), "ten hashes of 100 ms fit in a second's wait, the eleventh not");
        assertEquals(Duration.ofMillis(1100), pool.estimatedWait());
    }

    @Test
    void theBoundFollowsTheMeasuredTimeOfAHashNotACount() {
        WaitBoundedPool pool = pool(1, SECOND, Duration.ofMillis(100));
        for (int i = 0; i < 12; i++) {
            result(pool.submit(() -> takes(Duration.ofMillis(400))));
        }
        Duration average = pool.averageTaskTime();
        assertTrue(average.compareTo(Duration.ofMillis(390)) > 0 && average.compareTo(Duration.ofMillis(400)) <= 0,
                "the average moved to what hashes take: " + average);

        pool.submit(this::holds);
        Await.until("the thread is taken", () -> !pool.estimatedWait().isZero());

        assertEquals(2, admittedUntilRefused(pool), "at about 400 ms a hash, two fit in a second's wait");
    }

    @Test
    void severalThreadsShareTheWorkAhead() {
        WaitBoundedPool pool = pool(4, SECOND, Duration.ofMillis(100));
        for (int i = 0; i < 4; i++) {
            pool.submit(this::holds);
        }

        assertEquals(40, admittedUntilRefused(pool), "four threads get through forty 100 ms hashes in a second");
    }

    @Test
    void aFreeThreadTakesAHashEvenWhenOneHashTakesLongerThanTheBound() {
        WaitBoundedPool pool = pool(1, SECOND, Duration.ofSeconds(5));

        CompletableFuture<String> first = pool.submit(this::holds).toCompletableFuture();
        CompletionStage<String> second = pool.submit(() -> "behind it");

        assertTrue(!first.isDone(), "the first is running, not refused");
        assertInstanceOf(RejectedExecutionException.class, failure(second));
        release.countDown();
        assertEquals("held", result(first));
    }

    @Test
    void refusedAndFinishedHashesGiveTheirPlacesBack() {
        WaitBoundedPool pool = pool(1, SECOND, Duration.ofMillis(100));
        pool.submit(this::holds);
        Await.until("the thread is taken", () -> !pool.estimatedWait().isZero());
        admittedUntilRefused(pool);

        release.countDown();
        Await.until("the queue drained", () -> pool.estimatedWait().isZero());

        assertEquals("hash", result(pool.submit(() -> takes(Duration.ofMillis(100)))));
    }

    @Test
    void aBoundOfZeroTurnsTheWaitBoundOff() {
        WaitBoundedPool pool = pool(1, Duration.ZERO, Duration.ofSeconds(5));
        pool.submit(this::holds);

        for (int i = 0; i < 100; i++) {
            assertTrue(!pool.submit(() -> "queued").toCompletableFuture().isDone(), "task " + i + " waits its turn");
        }
    }

    @Test
    void closingFailsTheHashesStillWaitingInsteadOfLeavingThemHanging() {
        WaitBoundedPool pool = pool(1, SECOND, Duration.ofMillis(1));
        pool.submit(this::holds);
        CompletionStage<String> waiting = pool.submit(() -> "waits in the queue");

        pool.close();

        assertInstanceOf(RejectedExecutionException.class, failure(waiting));
    }
}
