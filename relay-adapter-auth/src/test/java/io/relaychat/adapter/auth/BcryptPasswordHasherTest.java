package io.relaychat.adapter.auth;

import io.relaychat.ports.out.PasswordHasher;
import io.relaychat.testkit.PasswordHasherContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

import static io.relaychat.testkit.Await.failure;
import static io.relaychat.testkit.Await.result;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BcryptPasswordHasherTest extends PasswordHasherContract {
    private BcryptPasswordHasher bcrypt;

    @Override
    protected PasswordHasher newHasher() {
        bcrypt = new BcryptPasswordHasher(4, 1, Duration.ofSeconds(10));
        return bcrypt;
    }

    @AfterEach
    void closePool() {
        bcrypt.close();
    }

    @Test
    void hashesFromPythonsBcryptAreAccepted() {
        // "$2b$" is what Python's bcrypt (the existing app's passlib) writes; the algorithm is the same as $2a$.
        String pythonHash = result(hasher.hash("password1")).replaceFirst("^\\$2a\\$", "\\$2b\\$");

        assertTrue(result(hasher.matches("password1", pythonHash)));
    }

    @Test
    void hashingHandsTheWorkToItsPoolAndReturnsAtOnce() {
        BcryptPasswordHasher slow = new BcryptPasswordHasher(10, 1, Duration.ofSeconds(10));
        try {
            CompletableFuture<String> hash = slow.hash("password1").toCompletableFuture();

            assertFalse(hash.isDone(), "a cost-10 hash takes far longer than returning; it must not run on the caller");
            assertTrue(result(slow.matches("password1", result(hash))));
        } finally {
            slow.close();
        }
    }

    @Test
    void aHashThatWouldWaitLongerThanTheBoundIsRefusedAtOnceInsteadOfQueueing() {
        BcryptPasswordHasher bounded = new BcryptPasswordHasher(10, 1, Duration.ofMillis(1));
        try {
            CompletableFuture<?> refused = null;
            for (int i = 0; i < 5 && refused == null; i++) {
                CompletableFuture<String> hash = bounded.hash("password" + i).toCompletableFuture();
                refused = hash.isCompletedExceptionally() ? hash : null;
            }

            assertNotNull(refused, "a hash behind a running one (tens of ms at cost 10) waits more than 1 ms");
            assertInstanceOf(RejectedExecutionException.class, failure(refused));
        } finally {
            bounded.close();
        }
    }

    @Test
    void closingFailsTheHashesStillWaitingInsteadOfLeavingThemHanging() {
        BcryptPasswordHasher busy = new BcryptPasswordHasher(10, 1, Duration.ofSeconds(10));
        busy.hash("occupies the only thread");
        CompletableFuture<String> waiting = busy.hash("waits in the queue").toCompletableFuture();

        busy.close();

        assertInstanceOf(RejectedExecutionException.class, failure(waiting));
    }
}
