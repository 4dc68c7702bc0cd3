package io.relaychat.adapter.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.model.VerifiedToken;
import io.relaychat.ports.out.TokenIssuer;
import io.relaychat.ports.out.TokenVerifier;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * HS256 bearer tokens whose subject is the user id, as the existing Python app issues them, so tokens
 * signed with the same secret are valid on both. The library would accept a 1-byte secret; we refuse
 * anything shorter than 32 bytes, the size of the HMAC-SHA256 key. It would also accept a signed token
 * without {@code exp} forever (one leaked from an old issuer would never die); we require {@code exp}, and
 * {@code sub} as a string, since that is all we ever issue.
 */
public final class JwtTokens implements TokenIssuer, TokenVerifier {
    public static final int MIN_SECRET_BYTES = 32;
    public static final Duration DEFAULT_LIFETIME = Duration.ofDays(7);
    /**
     * How far the clocks of the nodes sharing a secret (and of the Python app) may disagree: a token from a
     * node a few seconds ahead is not refused elsewhere as issued in the future, and a token counts as expired
     * only this long after its {@code exp} by the verifier's clock. A constant, not a setting: NTP keeps clocks
     * within a second, and 30 s is nothing beside the shortest lifetime the server allows (an hour).
     */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

    private final Algorithm algorithm;
    private final JWTVerifier verifier;
    private final Duration lifetime;
    private final Clock clock;

    /** {@code lifetime} applies to the tokens issued from now on; those issued before keep their own expiry. */
    public JwtTokens(String secret, Duration lifetime, Clock clock) {
        if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the JWT secret must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        Objects.requireNonNull(lifetime, "lifetime");
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("the token lifetime must be positive");
        }
        this.algorithm = Algorithm.HMAC256(secret);
        this.clock = Objects.requireNonNull(clock, "clock");
        // The verifier reads the same clock as the issuer, so a test can move both.
        this.verifier = ((JWTVerifier.BaseVerification) JWT.require(algorithm)
                .withClaimPresence("exp")
                .withClaimPresence("sub")
                .acceptLeeway(CLOCK_SKEW.toSeconds()))
                .build(clock);
        this.lifetime = lifetime;
    }

    public JwtTokens(String secret) {
        this(secret, DEFAULT_LIFETIME, Clock.systemUTC());
    }

    /** A fresh random secret, for a server that was given none: its tokens die with the process. */
    public static String randomSecret() {
        byte[] bytes = new byte[48];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public String issue(UserId userId) {
        Instant now = clock.instant();
        return JWT.create()
                .withSubject(userId.value())
                .withIssuedAt(now)
                .withExpiresAt(now.plus(lifetime))
                .sign(algorithm);
    }

    /** Needs nothing it does not hold: answered at once, on the caller's thread. */
    @Override
    public CompletionStage<Optional<VerifiedToken>> verify(String token) {
        return CompletableFuture.completedFuture(userOf(token).map(VerifiedToken::ofUser));
    }

    private Optional<UserId> userOf(String token) {
        try {
            DecodedJWT decoded = verifier.verify(token);
            // Only a string names a user: a number or an object under "sub" was not written by us.
            String subject = decoded.getClaim("sub").asString();
            return subject == null || subject.isBlank() ? Optional.empty() : Optional.of(new UserId(subject));
        } catch (JWTVerificationException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
