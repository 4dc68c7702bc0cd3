package io.relaychat.testkit;

import io.relaychat.ports.model.Failures;
import io.relaychat.ports.out.DependencyProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * What a readiness probe of a dependency that can go away (a database, Redis) must do: answer while the
 * dependency is up; fail, not hang, once it is down, in words that name no address, since readiness is answered
 * to anyone; and answer again once it is back. Extend it with the adapter's probe and a way to take the
 * dependency down and bring it back.
 */
public abstract class DependencyProbeContract {
    /** Longer than any adapter's own bound on a ping, short enough for a test. */
    private static final Duration WITHIN = Duration.ofSeconds(10);

    private boolean down;

    /** A probe of a dependency that is up now. */
    protected abstract DependencyProbe newProbe();

    /** Takes the dependency away as an outage would: stopped, or cut off from this process. */
    protected abstract void takeDown();

    /** Brings it back where it was. */
    protected abstract void bringBack();

    /** What a failure must not show: the dependency's address (its port, say). */
    protected abstract String address();

    /** Puts the dependency back for the next test when a test failed while it was away. */
    @AfterEach
    void dependencyIsBack() {
        if (down) {
            bringBack();
            down = false;
        }
    }

    @Test
    void givenTheDependencyIsUp_thenAPingAnswers() {
        DependencyProbe probe = newProbe();

        Await.result(probe.ping());
        Await.result(probe.ping());
    }

    @Test
    void givenTheDependencyGoesAway_thenAPingFailsWithoutNamingItsAddressAndAnswersAgainOnceItIsBack() {
        DependencyProbe probe = newProbe();
        Await.result(probe.ping());

        takeDown();
        down = true;
        // The first failure is often the broken connection; the next, the client finding no server in time.
        Throwable first = failureWithin(probe);
        Throwable next = failureOf(probe.ping());
        for (Throwable failure : new Throwable[] {first, next == null ? first : Failures.cause(next)}) {
            String message = String.valueOf(failure.getMessage());
            assertFalse(message.isBlank(), "a failure says why");
            assertFalse(message.contains(address()), "the address stays out of the failure: " + message);
        }

        bringBack();
        down = false;
        Await.until("a ping answers again", WITHIN, () -> answers(probe));
    }

    /** The failure of the first ping that fails: the probe may need a moment to notice its connection is gone. */
    private static Throwable failureWithin(DependencyProbe probe) {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            Throwable failure = failureOf(probe.ping());
            if (failure != null) {
                return Failures.cause(failure);
            }
            pause();
        }
        throw new AssertionError("pings still answered " + WITHIN + " after the dependency went away");
    }

    /** The ping's failure, or null if it answered; it must do one or the other within the bound. */
    private static Throwable failureOf(CompletionStage<Void> ping) {
        try {
            ping.toCompletableFuture().get(WITHIN.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("a ping hung for " + WITHIN + " instead of failing");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    private static boolean answers(DependencyProbe probe) {
        if (failureOf(probe.ping()) == null) {
            return true;
        }
        pause();
        return false;
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
