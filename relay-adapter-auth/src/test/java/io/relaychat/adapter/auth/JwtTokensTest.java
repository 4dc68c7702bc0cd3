package io.relaychat.adapter.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.interfaces.DecodedJWT;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.TokenIssuer;
import io.relaychat.ports.out.TokenVerifier;
import io.relaychat.testkit.ManualClock;
import io.relaychat.testkit.TokenContract;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The token contract for JWTs, and what a JWT can carry that the contract cannot name: its claims. */
class JwtTokensTest extends TokenContract {
    private static final String SECRET = "a-test-secret-that-is-long-enough-for-hs256";
    private static final Algorithm SIGNED = Algorithm.HMAC256(SECRET);
    private final ManualClock clock = new ManualClock();
    private final JwtTokens tokens = new JwtTokens(SECRET, JwtTokens.DEFAULT_LIFETIME, clock);
    private final UserId alice = new UserId("alice");

    @Override
    protected TokenIssuer issuer() {
        return tokens;
    }

    @Override
    protected TokenVerifier verifier() {
        return tokens;
    }

    @Override
    protected TokenVerifier strangerVerifier() {
        return new JwtTokens(JwtTokens.randomSecret());
    }

    @Override
    protected Pair lasting(Duration lifetime, Clock clock) {
        JwtTokens pair = new JwtTokens(SECRET, lifetime, clock);
        return new Pair(pair, pair);
    }

    @Test
    void anExpiredTokenIsRejected() {
        Clock lastWeek = Clock.fixed(Instant.now().minus(Duration.ofDays(8)), java.time.ZoneOffset.UTC);
        String old = new JwtTokens(SECRET, Duration.ofDays(7), lastWeek).issue(alice);

        assertTrue(userOf(new JwtTokens(SECRET), old).isEmpty());
    }

    @Test
    void aCorrectlySignedTokenWithoutExpiryIsRefused() {
        String forever = JWT.create().withSubject(alice.value()).withIssuedAt(clock.instant()).sign(SIGNED);

        assertTrue(userOf(tokens, forever).isEmpty());
    }

    @Test
    void aCorrectlySignedTokenWithoutSubjectOrWithANonStringOneIsRefused() {
        Instant later = clock.instant().plus(Duration.ofHours(1));

        assertTrue(userOf(tokens, JWT.create().withExpiresAt(later).sign(SIGNED)).isEmpty(), "no sub");
        assertTrue(userOf(tokens, JWT.create().withSubject(" ").withExpiresAt(later).sign(SIGNED)).isEmpty(), "blank sub");
        assertTrue(userOf(tokens, JWT.create().withPayload(Map.of("sub", 42)).withExpiresAt(later).sign(SIGNED)).isEmpty(),
                "numeric sub");
    }

    @Test
    void aTokenWithAnUnreadableExpiryIsRefused() {
        assertTrue(userOf(tokens, JWT.create().withSubject(alice.value()).withPayload(Map.of("exp", "tomorrow"))
                .sign(SIGNED)).isEmpty(), "exp as text");
        assertTrue(userOf(tokens, JWT.create().withSubject(alice.value()).withPayload(Map.of("exp", Long.MAX_VALUE))
                .sign(SIGNED)).isEmpty(), "exp beyond any instant");
    }

    @Test
    void anUnsignedTokenWithValidClaimsIsRefused() {
        String claims = "{\"sub\":\"alice\",\"exp\":" + clock.instant().plus(Duration.ofHours(1)).getEpochSecond() + "}";

        assertTrue(userOf(tokens, unsigned("{\"alg\":\"none\",\"typ\":\"JWT\"}", claims)).isEmpty(), "alg=none");
        assertTrue(userOf(tokens, unsigned("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", claims)).isEmpty(), "HS256, no signature");
        assertTrue(userOf(tokens, JWT.create().withSubject(alice.value())
                .withExpiresAt(clock.instant().plus(Duration.ofHours(1))).sign(Algorithm.none())).isEmpty(),
                "the library's own alg=none");
    }

    @Test
    void aTokenExpiredLongerAgoThanTheClockSkewIsRefused() {
        Instant expired = clock.instant().minus(JwtTokens.CLOCK_SKEW).minusSeconds(1);

        assertTrue(userOf(tokens, signedExpiringAt(expired)).isEmpty());
    }

    @Test
    void aTokenExpiredWithinTheClockSkewIsAccepted() {
        Instant justExpired = clock.instant().minus(JwtTokens.CLOCK_SKEW).plusSeconds(5);

        assertEquals(Optional.of(alice), userOf(tokens, signedExpiringAt(justExpired)));
    }

    @Test
    void aTokenIssuedInTheFutureBeyondTheClockSkewIsRefused() {
        Instant ahead = clock.instant().plus(JwtTokens.CLOCK_SKEW).plusSeconds(60);
        String early = JWT.create().withSubject(alice.value()).withIssuedAt(ahead)
                .withExpiresAt(ahead.plus(Duration.ofHours(1))).sign(SIGNED);

        assertTrue(userOf(tokens, early).isEmpty());
    }

    @Test
    void theConfiguredLifetimeSetsTheExpiryOfTokensIssuedWithIt() {
        String token = new JwtTokens(SECRET, Duration.ofHours(5), clock).issue(alice);

        DecodedJWT claims = JWT.decode(token);
        assertEquals(clock.instant().getEpochSecond(), claims.getIssuedAtAsInstant().getEpochSecond());
        assertEquals(Duration.ofHours(5), Duration.between(claims.getIssuedAtAsInstant(), claims.getExpiresAtAsInstant()));
        assertEquals("HS256", claims.getAlgorithm());
        assertEquals(alice.value(), claims.getSubject());
    }

    @Test
    void aShortSecretOrANonPositiveLifetimeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new JwtTokens("short"));
        assertThrows(IllegalArgumentException.class, () -> new JwtTokens("x".repeat(31)));
        assertThrows(IllegalArgumentException.class, () -> new JwtTokens(SECRET, Duration.ZERO, clock));
    }

    private static String signedExpiringAt(Instant expiry) {
        return JWT.create().withSubject("alice").withIssuedAt(expiry.minus(Duration.ofHours(1))).withExpiresAt(expiry)
                .sign(SIGNED);
    }

    private static String unsigned(String header, String claims) {
        Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
        return encoder.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + encoder.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".";
    }
}
