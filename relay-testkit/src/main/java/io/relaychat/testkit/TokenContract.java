package io.relaychat.testkit;

import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.TokenIssuer;
import io.relaychat.ports.out.TokenVerifier;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static io.relaychat.testkit.Fixtures.newId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every pair of {@link TokenIssuer} and {@link TokenVerifier} must do: an issued token verifies to its
 * user; a token with another user's claims, one signed with another key, an unsigned one and garbage are
 * all rejected.
 */
public abstract class TokenContract {
    protected abstract TokenIssuer issuer();

    protected abstract TokenVerifier verifier();

    /** A verifier that trusts a different key: it must reject this issuer's tokens. */
    protected abstract TokenVerifier strangerVerifier();

    @Test
    void anIssuedTokenVerifiesToItsUser() {
        UserId alice = new UserId(newId());

        assertEquals(Optional.of(alice), verifier().verify(issuer().issue(alice)));
    }

    @Test
    void aTokenWithAnotherUsersClaimsIsRejected() {
        String[] alice = issuer().issue(new UserId(newId())).split("\\.");
        String[] mallory = issuer().issue(new UserId(newId())).split("\\.");
        String forged = alice[0] + "." + alice[1] + "." + mallory[2];

        assertTrue(verifier().verify(forged).isEmpty());
    }

    @Test
    void garbageAndUnsignedTokensAreRejected() {
        assertTrue(verifier().verify("").isEmpty());
        assertTrue(verifier().verify("not.a.token").isEmpty());
        assertTrue(verifier().verify("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.").isEmpty(), "alg=none must be refused");
    }

    @Test
    void aTokenSignedWithAnotherKeyIsRejected() {
        assertTrue(strangerVerifier().verify(issuer().issue(new UserId(newId()))).isEmpty());
    }
}
