package io.relaychat.adapter.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.model.VerifiedToken;
import io.relaychat.testkit.ManualClock;
import io.relaychat.testkit.TestIdentityProvider;
import io.relaychat.testkit.TestIdentityProvider.SigningKey;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static io.relaychat.testkit.Await.result;
import static io.relaychat.testkit.TestIdentityProvider.AUDIENCE;
import static io.relaychat.testkit.TestIdentityProvider.ISSUER;
import static io.relaychat.testkit.TestIdentityProvider.claims;
import static io.relaychat.testkit.TestIdentityProvider.sign;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an identity provider's token must be to be taken, against one configured key (RS256 and ES256). */
class IdentityProviderTokensTest {
    private static final SigningKey RSA = TestIdentityProvider.rsaKey("rsa-1");
    private static final SigningKey EC = TestIdentityProvider.ecKey("ec-1");
    private final ManualClock clock = new ManualClock();
    private final IdentityProviderSettings settings = new IdentityProviderSettings(ISSUER, AUDIENCE);
    private final IdentityProviderTokens rsaTokens = IdentityProviderTokens.withKey(settings, RSA.publicKey(), clock);
    private final IdentityProviderTokens ecTokens = IdentityProviderTokens.withKey(settings, EC.publicKey(), clock);

    private JWTCreator.Builder kim() {
        return claims("kim-1", clock.instant()).withClaim("preferred_username", "kim").withClaim("email", "kim@example.com");
    }

    private static Optional<VerifiedToken> verify(IdentityProviderTokens tokens, String token) {
        return result(tokens.verify(token));
    }

    @Test
    void aGoodTokenNamesItsUserUnderThePrefixWithTheClaimsAndIsAnsweredAtOnce() {
        for (var keyed : Map.of(RSA, rsaTokens, EC, ecTokens).entrySet()) {
            CompletableFuture<Optional<VerifiedToken>> verified =
                    keyed.getValue().verify(sign(kim(), keyed.getKey())).toCompletableFuture();

            assertTrue(verified.isDone(), "a configured key needs no waiting");
            assertEquals(Optional.of(VerifiedToken.fromIdentityProvider(new UserId("idp:kim-1"), "kim", "kim@example.com")),
                    verified.join(), keyed.getKey().alg());
        }
    }

    @Test
    void aTokenForAnotherAudienceOrFromAnotherIssuerIsRefused() {
        assertTrue(verify(rsaTokens, sign(kim().withAudience("another-app"), RSA)).isEmpty(), "wrong aud");
        assertTrue(verify(rsaTokens, sign(kim().withAudience(), RSA)).isEmpty(), "no aud");
        assertTrue(verify(rsaTokens, sign(kim().withIssuer("https://elsewhere.example"), RSA)).isEmpty(), "wrong iss");
        assertTrue(verify(rsaTokens, sign(kim().withAudience("another-app", AUDIENCE), RSA)).isPresent(),
                "an aud list naming this application is good");
    }

    @Test
    void anExpiredTokenIsRefusedPastTheClockSkewAndATokenWithoutExpiryIsRefused() {
        String token = sign(kim(), RSA);

        clock.advance(Duration.ofHours(1).plus(JwtTokens.CLOCK_SKEW).minusSeconds(5));
        assertTrue(verify(rsaTokens, token).isPresent(), "within the clock skew");
        clock.advance(Duration.ofSeconds(10));
        assertTrue(verify(rsaTokens, token).isEmpty(), "past it");
        assertTrue(verify(rsaTokens, sign(JWT.create().withIssuer(ISSUER).withAudience(AUDIENCE).withSubject("kim-1"), RSA))
                .isEmpty(), "no exp");
        assertTrue(verify(rsaTokens, sign(kim().withNotBefore(clock.instant().plus(Duration.ofMinutes(5))), RSA)).isEmpty(),
                "not valid yet");
    }

    @Test
    void aTokenSignedByAnotherKeyIsRefused() {
        SigningKey stranger = TestIdentityProvider.ecKey("ec-1");

        assertTrue(verify(ecTokens, sign(kim(), stranger)).isEmpty());
        assertTrue(verify(rsaTokens, sign(kim(), EC)).isEmpty(), "an ES256 token against an RSA key");
    }

    @Test
    void theTokenCannotChooseAWeakerAlgorithm() {
        // The classic confusion: HS256 keyed with the public key's bytes, which anyone has.
        String hmacWithPublicKey = kim().withKeyId("rsa-1").sign(Algorithm.HMAC256(RSA.publicKey().getEncoded()));
        String hmacWithPem = kim().sign(Algorithm.HMAC256(TestIdentityProvider.pem(RSA.publicKey())));
        String unsigned = base64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + JWT.decode(sign(kim(), RSA)).getPayload() + ".";

        assertTrue(verify(rsaTokens, hmacWithPublicKey).isEmpty(), "HS256 with the key's DER bytes");
        assertTrue(verify(rsaTokens, hmacWithPem).isEmpty(), "HS256 with the key's PEM text");
        assertTrue(verify(rsaTokens, unsigned).isEmpty(), "alg=none");
        assertTrue(verify(rsaTokens, kim().sign(Algorithm.RSA512(null, (RSAPrivateKey) RSA.pair().getPrivate()))).isEmpty(), "RS512: not the key's algorithm here");
    }

    @Test
    void garbageIsRefusedWithoutThrowing() {
        for (String garbage : new String[] {null, "", "....", "not.a.token", "x".repeat(64 * 1024), "é.\u0000.x"}) {
            assertTrue(verify(rsaTokens, garbage).isEmpty(), String.valueOf(garbage).length() + " chars");
        }
    }

    @Test
    void theClaimNamesAreSettingsAndAUserIdMustBeAString() {
        IdentityProviderTokens custom = IdentityProviderTokens.withKey(
                new IdentityProviderSettings(ISSUER, AUDIENCE, "oid", "name", "upn"), RSA.publicKey(), clock);

        assertEquals(Optional.of(VerifiedToken.fromIdentityProvider(new UserId("idp:object-7"), "Kim K", "kim@corp.example")),
                verify(custom, sign(kim().withClaim("oid", "object-7").withClaim("name", "Kim K")
                        .withClaim("upn", "kim@corp.example"), RSA)));
        assertTrue(verify(custom, sign(kim(), RSA)).isEmpty(), "no oid claim");
        assertTrue(verify(rsaTokens, sign(kim().withClaim("sub", 42), RSA)).isEmpty(), "a number is no user id");
        assertTrue(verify(rsaTokens, sign(kim().withSubject("x".repeat(300)), RSA)).isEmpty(), "too long an id");
        assertEquals(Optional.of(VerifiedToken.fromIdentityProvider(new UserId("idp:kim-1"), null, null)),
                verify(rsaTokens, sign(claims("kim-1", clock.instant()).withClaim("preferred_username", 7), RSA)),
                "claims that are not strings are left out");
    }

    @Test
    void anEmailTheProviderSaysIsUnverifiedIsNotPassedOn() {
        Optional<VerifiedToken> unverified = verify(rsaTokens, sign(kim().withClaim("email_verified", false), RSA));
        Optional<VerifiedToken> verified = verify(rsaTokens, sign(kim().withClaim("email_verified", true), RSA));

        assertEquals(Optional.empty(), unverified.orElseThrow().profile().orElseThrow().email());
        assertEquals(Optional.of("kim@example.com"), verified.orElseThrow().profile().orElseThrow().email());
    }

    @Test
    void aKeyThatWouldVerifyNothingIsRefusedAtOnce() throws Exception {
        KeyPairGenerator small = KeyPairGenerator.getInstance("RSA");
        small.initialize(1024);

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> IdentityProviderTokens.withKey(settings, small.generateKeyPair().getPublic(), clock));
        assertTrue(refused.getMessage().contains("1024 bits"), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new IdentityProviderSettings(ISSUER, " "));
    }

    private static String base64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
