package io.relaychat.adapter.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import io.relaychat.ports.model.StorageUnavailableException;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.model.VerifiedToken;
import io.relaychat.ports.out.TokenVerifier;
import io.relaychat.testkit.ManualClock;
import io.relaychat.testkit.TestIdentityProvider;
import io.relaychat.testkit.TestIdentityProvider.SigningKey;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static io.relaychat.testkit.Await.failure;
import static io.relaychat.testkit.Await.result;
import static io.relaychat.testkit.TestIdentityProvider.AUDIENCE;
import static io.relaychat.testkit.TestIdentityProvider.ISSUER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server's own tokens and the identity provider's side by side, and the provider's alone. */
class AcceptedTokensTest {
    private static final String SECRET = "a-test-secret-that-is-long-enough-for-hs256";
    private static final SigningKey KEY = TestIdentityProvider.ecKey("ec-1");
    private final ManualClock clock = new ManualClock();
    private final JwtTokens own = new JwtTokens(SECRET, JwtTokens.DEFAULT_LIFETIME, clock);
    private final IdentityProviderTokens provider = IdentityProviderTokens.withKey(
            new IdentityProviderSettings(ISSUER, AUDIENCE), KEY.publicKey(), clock);
    private final String providers = TestIdentityProvider.sign(TestIdentityProvider.claims("kim-1", clock.instant()), KEY);

    @Test
    void bothKindsAreTakenEachForWhatItIs() {
        AcceptedTokens both = new AcceptedTokens(Optional.of(own), Optional.of(provider));

        assertEquals(Optional.of(VerifiedToken.ofUser(new UserId("ann"))), result(both.verify(own.issue(new UserId("ann")))));
        assertEquals(new UserId("idp:kim-1"), result(both.verify(providers)).orElseThrow().userId());
        assertTrue(result(both.verify("garbage")).isEmpty());
    }

    @Test
    void withoutLocalAccountsTheServersOwnTokensAreRefusedEvenWellSigned() {
        AcceptedTokens providerOnly = new AcceptedTokens(Optional.empty(), Optional.of(provider));

        assertTrue(result(providerOnly.verify(own.issue(new UserId("ann")))).isEmpty());
        assertTrue(result(providerOnly.verify(JWT.create().withIssuer(ISSUER).withAudience(AUDIENCE).withSubject("kim-1")
                .withExpiresAt(clock.instant().plus(Duration.ofHours(1))).sign(Algorithm.HMAC256(SECRET)))).isEmpty(),
                "an HS256 token claiming the provider's issuer");
        assertTrue(result(providerOnly.verify(providers)).isPresent());
    }

    @Test
    void aProviderThatCannotCheckMakesTheCheckFailRatherThanRefuse() {
        TokenVerifier unreachable = token -> CompletableFuture.failedFuture(new StorageUnavailableException("down"));
        AcceptedTokens both = new AcceptedTokens(Optional.of(own), Optional.of(unreachable));

        assertInstanceOf(StorageUnavailableException.class, failure(both.verify(providers)));
        assertTrue(result(both.verify(own.issue(new UserId("ann")))).isPresent(), "the server's own still work");
    }

    @Test
    void acceptingNothingIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new AcceptedTokens(Optional.empty(), Optional.empty()));
    }
}
