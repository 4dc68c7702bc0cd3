package io.relaychat.adapter.auth;

import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import io.relaychat.ports.model.Failures;
import io.relaychat.ports.model.StorageUnavailableException;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.model.VerifiedToken;
import io.relaychat.testkit.ManualClock;
import io.relaychat.testkit.TestIdentityProvider;
import io.relaychat.testkit.TestIdentityProvider.SigningKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static io.relaychat.testkit.Await.failure;
import static io.relaychat.testkit.Await.result;
import static io.relaychat.testkit.TestIdentityProvider.AUDIENCE;
import static io.relaychat.testkit.TestIdentityProvider.ISSUER;
import static io.relaychat.testkit.TestIdentityProvider.claims;
import static io.relaychat.testkit.TestIdentityProvider.sign;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The identity provider's keys from its JWKS, served by a real HTTP server on loopback: fetched when a token needs
 * a key not held, held after, rotated, never fetched more than once an interval, and an outage answered clearly.
 */
class IdentityProviderJwksTest {
    private static final SigningKey RSA = TestIdentityProvider.rsaKey("rsa-2026-01");
    private static final SigningKey EC = TestIdentityProvider.ecKey("ec-2026-01");
    private static final SigningKey NEXT = TestIdentityProvider.rsaKey("rsa-2026-07");
    private static final Duration KEEP = Duration.ofMinutes(5);
    private static final Duration INTERVAL = Duration.ofSeconds(10);
    private static final Duration TIMEOUT = Duration.ofMillis(300);

    private final ManualClock clock = new ManualClock();
    private final TestIdentityProvider provider = TestIdentityProvider.serving(RSA, EC);
    private IdentityProviderTokens tokens = against(provider.jwksUrl());

    private IdentityProviderTokens against(URL jwks) {
        return IdentityProviderTokens.withJwks(new IdentityProviderSettings(ISSUER, AUDIENCE),
                new JwksSettings(jwks, KEEP, INTERVAL, TIMEOUT), clock);
    }

    @AfterEach
    void stop() {
        tokens.close();
        provider.close();
    }

    private JWTCreator.Builder kim() {
        return claims("kim-1", clock.instant()).withClaim("preferred_username", "kim");
    }

    private Optional<VerifiedToken> verify(String token) {
        return result(tokens.verify(token));
    }

    @Test
    void aKeyOfTheSetIsFetchedOnceThenHeldAndTheNextTokensAreAnsweredAtOnce() {
        assertEquals(Optional.of(new UserId("idp:kim-1")), verify(sign(kim(), RSA)).map(VerifiedToken::userId));
        assertEquals(1, provider.fetches());

        CompletableFuture<Optional<VerifiedToken>> es256 = tokens.verify(sign(kim(), EC)).toCompletableFuture();
        CompletableFuture<Optional<VerifiedToken>> again = tokens.verify(sign(kim(), RSA)).toCompletableFuture();

        assertTrue(es256.isDone() && again.isDone(), "held keys need no waiting");
        assertTrue(es256.join().isPresent() && again.join().isPresent());
        assertEquals(1, provider.fetches(), "the whole set came with the first fetch");
    }

    @Test
    void aNewKidIsFetchedWhenATokenNamesItAndARetiredKeyStopsWorkingWithThatFetch() {
        String signedBefore = sign(kim(), RSA);
        assertTrue(verify(signedBefore).isPresent());

        provider.publish(NEXT, EC);
        clock.advance(INTERVAL.plusSeconds(1));

        assertTrue(verify(sign(kim(), NEXT)).isPresent(), "the rotated-in key");
        assertEquals(2, provider.fetches());
        assertTrue(verify(signedBefore).isEmpty(), "a token of the retired key, though not expired");
        assertTrue(verify(sign(kim(), EC)).isPresent(), "a key still in the set");
        assertEquals(2, provider.fetches());
    }

    @Test
    void heldKeysAreFetchedAgainOnceOlderThanTheyAreKept() {
        String token = sign(kim(), RSA);
        assertTrue(verify(token).isPresent());

        provider.publish(NEXT);
        clock.advance(KEEP);

        assertTrue(verify(token).isEmpty(), "the key left the set while it was held: refused once it is fetched again");
        assertEquals(2, provider.fetches());
    }

    @Test
    void aFloodOfMadeUpKidsFetchesTheSetAtMostOnceAnInterval() {
        assertTrue(verify(sign(kim(), RSA)).isPresent());

        for (int i = 0; i < 100; i++) {
            assertTrue(verify(sign(kim(), new SigningKey(UUID.randomUUID().toString(), RSA.pair(), "RS256"))).isEmpty());
        }
        assertEquals(1, provider.fetches(), "within the interval of the last fetch: none");

        clock.advance(INTERVAL);
        for (int i = 0; i < 100; i++) {
            assertTrue(verify(sign(kim(), new SigningKey(UUID.randomUUID().toString(), RSA.pair(), "RS256"))).isEmpty());
        }
        assertEquals(2, provider.fetches(), "one fetch for the next interval's hundred");
    }

    @Test
    void aTokenThatFailsWithoutAKeyNeverMakesTheSetBeFetched() {
        SigningKey unknown = new SigningKey("not-held", RSA.pair(), "RS256");

        assertTrue(verify(sign(kim().withIssuer("https://elsewhere.example"), unknown)).isEmpty(), "another issuer");
        assertTrue(verify(kim().withKeyId("not-held").sign(Algorithm.HMAC256(RSA.publicKey().getEncoded()))).isEmpty(),
                "HS256");
        assertTrue(verify("not.a.token").isEmpty());
        assertEquals(0, provider.fetches());
    }

    @Test
    void aProviderThatIsDownFailsTheCheckSayingSoAndIsNotAskedAgainWithinTheInterval() {
        provider.fail();

        Throwable down = Failures.cause(failure(tokens.verify(sign(kim(), RSA))));
        Throwable again = Failures.cause(failure(tokens.verify(sign(kim(), RSA))));

        assertInstanceOf(StorageUnavailableException.class, down);
        assertTrue(down.getMessage().contains(provider.jwksUrl().toString()), down.getMessage());
        assertInstanceOf(StorageUnavailableException.class, again);
        assertEquals(1, provider.fetches());

        provider.publish(RSA);
        clock.advance(INTERVAL);
        assertTrue(verify(sign(kim(), RSA)).isPresent(), "back once the provider is");
    }

    @Test
    void aProviderThatNeverAnswersFailsTheCheckWithinItsTimeout() {
        provider.hang();
        long started = System.nanoTime();

        Throwable stalled = Failures.cause(failure(tokens.verify(sign(kim(), RSA))));

        assertInstanceOf(StorageUnavailableException.class, stalled);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "failed after " + took);
    }

    @Test
    void aProviderNobodyListensForFailsTheCheck() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        tokens.close();
        tokens = against(new URL("http://127.0.0.1:" + port + "/certs"));

        assertInstanceOf(StorageUnavailableException.class, Failures.cause(failure(tokens.verify(sign(kim(), RSA)))));
    }
}
