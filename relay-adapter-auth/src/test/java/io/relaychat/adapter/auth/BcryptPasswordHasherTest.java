package io.relaychat.adapter.auth;

import io.relaychat.ports.out.PasswordHasher;
import io.relaychat.testkit.PasswordHasherContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;

import static io.relaychat.testkit.Await.failure;
import static io.relaychat.testkit.Await.result;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BcryptPasswordHasherTest extends PasswordHasherContract {
    private BcryptPasswordHasher bcrypt;

    @Override
    protected PasswordHasher newHasher() {
        bcrypt = new BcryptPasswordHasher(4, 1, 100);
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
    void hashingNeverRunsOnTheCallersThread() {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        result(hasher.hash("password1").thenApply(hash -> {
            ranOn.set(Thread.currentThread());
            return hash;
        }).toCompletableFuture());

        assertNotEquals(Thread.currentThread(), ranOn.get());
        assertTrue(ranOn.get().getName().startsWith("relay-bcrypt-"), ranOn.get().getName());
    }

    @Test
    void aFullQueueFailsFastInsteadOfGrowingWithoutBound() {
        BcryptPasswordHasher tiny = new BcryptPasswordHasher(12, 1, 1);
        try {
            tiny.hash("occupies the only thread");
            tiny.hash("fills the queue");

            assertInstanceOf(RejectedExecutionException.class, failure(tiny.hash("one too many")));
        } finally {
            tiny.close();
        }
    }
}
