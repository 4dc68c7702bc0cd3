package io.relaychat.testkit;

import io.relaychat.ports.model.UserId;
import io.relaychat.ports.model.VerifiedToken;
import io.relaychat.ports.out.TokenIssuer;
import io.relaychat.ports.out.TokenVerifier;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static io.relaychat.testkit.Fixtures.newId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every pair of {@link TokenIssuer} and {@link TokenVerifier} must do: an issued token verifies to its
 * user for as long as its lifetime and is refused after it (give or take {@link #MAX_CLOCK_SKEW}); each token
 * keeps the lifetime it was issued with; a token with another user's claims, a tampered one, one signed with
 * another key, an unsigned one and garbage are all rejected, and none of them makes the verifier throw. A token
 * the issuer made needs nothing from elsewhere: it is answered at once (the stage already complete), and names its
 * user only, with no profile to create them from.
 */
public abstract class TokenContract {
    /** How far past its expiry an implementation may still accept a token, for clocks that disagree. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(1);

    /** An issuer and the verifier of its tokens; one object may be both. */
    public record Pair(TokenIssuer issuer, TokenVerifier verifier) {
    }

    protected abstract TokenIssuer issuer();

    protected abstract TokenVerifier verifier();

    /** A verifier that trusts a different key: it must reject this issuer's tokens. */
    protected abstract TokenVerifier strangerVerifier();

    /**
     * A fresh pair whose tokens live {@code lifetime}, both reading the time from {@code clock} (when the
     * token is issued, when it is checked).
     */
    protected abstract Pair lasting(Duration lifetime, Clock clock);

    @Test
    void anIssuedTokenVerifiesToItsUserAtOnce() {
        UserId alice = new UserId(newId());

        CompletableFuture<Optional<VerifiedToken>> verified = verifier().verify(issuer().issue(alice)).toCompletableFuture();

        assertTrue(verified.isDone(), "answered without waiting");
        assertEquals(Optional.of(VerifiedToken.ofUser(alice)), verified.join());
    }

    /** The user a token stands for, once its verifier has answered; empty for a refused token. */
    protected static Optional<UserId> userOf(TokenVerifier verifier, String token) {
        return Await.result(verifier.verify(token)).map(VerifiedToken::userId);
    }

    @Test
    void aTokenIsAcceptedThroughoutItsLifetimeAndRefusedOnceItIsOver() {
        ManualClock clock = new ManualClock();
        Pair tokens = lasting(Duration.ofHours(1), clock);
        UserId alice = new UserId(newId());
        String token = tokens.issuer().issue(alice);

        clock.advance(Duration.ofMinutes(59));
        assertEquals(Optional.of(alice), userOf(tokens.verifier(), token), "a minute before its end");

        clock.advance(Duration.ofMinutes(1).plus(MAX_CLOCK_SKEW).plusSeconds(1));
        assertTrue(userOf(tokens.verifier(), token).isEmpty(), "past its lifetime");
        assertEquals(Optional.of(alice), userOf(tokens.verifier(), tokens.issuer().issue(alice)),
                "a token issued now is good: the old one was refused for its age");
    }

    @Test
    void eachTokenKeepsTheLifetimeItWasIssuedWith() {
        ManualClock clock = new ManualClock();
        UserId alice = new UserId(newId());
        Pair hourly = lasting(Duration.ofHours(1), clock);
        Pair daily = lasting(Duration.ofDays(1), clock);
        String shortLived = hourly.issuer().issue(alice);
        String longLived = daily.issuer().issue(alice);

        clock.advance(Duration.ofHours(2));

        assertTrue(userOf(hourly.verifier(), shortLived).isEmpty(), "an hour's token after two hours");
        assertEquals(Optional.of(alice), userOf(daily.verifier(), longLived), "a day's token after two hours");
    }

    @Test
    void aTokenWithAnotherUsersClaimsIsRejected() {
        String[] alice = issuer().issue(new UserId(newId())).split("\\.");
        String[] mallory = issuer().issue(new UserId(newId())).split("\\.");
        String forged = alice[0] + "." + alice[1] + "." + mallory[2];

        assertTrue(userOf(verifier(), forged).isEmpty());
    }

    @Test
    void aTamperedTokenIsRejected() {
        String token = issuer().issue(new UserId(newId()));
        int signature = token.lastIndexOf('.') + 1;
        char first = token.charAt(signature);
        String altered = token.substring(0, signature) + (first == 'A' ? 'B' : 'A') + token.substring(signature + 1);

        assertTrue(userOf(verifier(), altered).isEmpty(), "signature altered");
        assertTrue(userOf(verifier(), token.substring(0, token.length() - 2)).isEmpty(), "signature cut short");
        assertTrue(userOf(verifier(), token + "AAAA").isEmpty(), "signature lengthened");
        assertTrue(userOf(verifier(), token + ".").isEmpty(), "a fourth part");
        assertTrue(userOf(verifier(), " " + token).isEmpty(), "leading space");
    }

    @Test
    void garbageAndUnsignedTokensAreRejected() {
        assertTrue(userOf(verifier(), null).isEmpty());
        assertTrue(userOf(verifier(), "").isEmpty());
        assertTrue(userOf(verifier(), "....").isEmpty());
        assertTrue(userOf(verifier(), "not.a.token").isEmpty());
        assertTrue(userOf(verifier(), "é.\u0000.\uD83D\uDE00").isEmpty());
        assertTrue(userOf(verifier(), "x".repeat(64 * 1024)).isEmpty());
        assertTrue(userOf(verifier(), "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.").isEmpty(), "alg=none must be refused");
    }

    @Test
    void aTokenSignedWithAnotherKeyIsRejected() {
        assertTrue(userOf(strangerVerifier(), issuer().issue(new UserId(newId()))).isEmpty());
    }
}
