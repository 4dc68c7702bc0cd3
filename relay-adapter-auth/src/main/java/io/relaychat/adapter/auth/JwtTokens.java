package io.relaychat.adapter.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.TokenIssuer;
import io.relaychat.ports.out.TokenVerifier;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * HS256 bearer tokens whose subject is the user id, as the existing Python app issues them, so tokens
 * signed with the same secret are valid on both. The library would accept a 1-byte secret; we refuse
 * anything shorter than 32 bytes, the size of the HMAC-SHA256 key.
 */
public final class JwtTokens implements TokenIssuer, TokenVerifier {
    public static final int MIN_SECRET_BYTES = 32;
    public static final Duration DEFAULT_LIFETIME = Duration.ofDays(7);

    private final Algorithm algorithm;
    private final JWTVerifier verifier;
    private final Duration lifetime;
    private final Clock clock;

    public JwtTokens(String secret, Duration lifetime, Clock clock) {
        if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the JWT secret must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        this.algorithm = Algorithm.HMAC256(secret);
        this.verifier = JWT.require(algorithm).build();
        this.lifetime = lifetime;
        this.clock = clock;
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
        return JWT.create()
                .withSubject(userId.value())
                .withIssuedAt(clock.instant())
                .withExpiresAt(clock.instant().plus(lifetime))
                .sign(algorithm);
    }

    @Override
    public Optional<UserId> verify(String token) {
        try {
            String subject = verifier.verify(token).getSubject();
            return subject == null || subject.isBlank() ? Optional.empty() : Optional.of(new UserId(subject));
        } catch (JWTVerificationException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
