package io.relaychat.testkit;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Waiting in tests: for a stage with a deadline, or polling a condition until it holds. */
public final class Await {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private Await() {
    }

    /** The stage's value; fails the test when it fails or takes longer than the default timeout. */
    public static <T> T result(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("stage failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("stage did not complete within " + DEFAULT_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    /** The failure of a stage that is expected to fail. */
    public static Throwable failure(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().get(DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("stage did not complete within " + DEFAULT_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
        throw new AssertionError("stage completed normally, a failure was expected");
    }

    /** Polls until the condition holds, failing with {@code what} after the timeout. */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        until(what, timeout, Duration.ofMillis(5), condition);
    }

    /**
     * Polls every {@code interval} until the condition holds: for a condition that asks several servers, which a
     * 5 ms poll would keep busy answering.
     */
    public static void until(String what, Duration timeout, Duration interval, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what);
            }
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }

    public static void until(String what, BooleanSupplier condition) {
        until(what, DEFAULT_TIMEOUT, condition);
    }
}
