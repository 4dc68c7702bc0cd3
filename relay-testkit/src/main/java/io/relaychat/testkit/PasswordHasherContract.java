package io.relaychat.testkit;

import io.relaychat.ports.out.PasswordHasher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.relaychat.testkit.Await.result;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link PasswordHasher} must do: a hash matches its password and no other, never contains it,
 * differs for one password hashed twice (salted), and a malformed hash matches nothing rather than failing.
 */
public abstract class PasswordHasherContract {
    protected PasswordHasher hasher;

    protected abstract PasswordHasher newHasher();

    @BeforeEach
    void createHasher() {
        hasher = newHasher();
    }

    @Test
    void theRightPasswordMatchesItsHashAndNoOtherDoes() {
        String hash = result(hasher.hash("correct horse"));

        assertFalse(hash.contains("correct horse"), "the hash must not contain the password");
        assertTrue(result(hasher.matches("correct horse", hash)));
        assertFalse(result(hasher.matches("correct hors", hash)));
        assertFalse(result(hasher.matches("Correct horse", hash)));
    }

    @Test
    void hashesAreSalted() {
        assertNotEquals(result(hasher.hash("same password")), result(hasher.hash("same password")));
    }

    @Test
    void aMalformedHashMatchesNothing() {
        assertFalse(result(hasher.matches("anything", "not-a-hash")));
        assertFalse(result(hasher.matches("anything", "")));
    }
}
