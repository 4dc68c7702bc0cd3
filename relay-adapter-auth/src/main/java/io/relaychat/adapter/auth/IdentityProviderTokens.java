package io.relaychat.adapter.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.model.VerifiedToken;
import io.relaychat.ports.out.TokenVerifier;

import java.security.PublicKey;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Tokens signed by the application's identity provider (RS256 or ES256), checked against its public key or its
 * JWKS. A token is taken when its signature is the key's, by the key's own algorithm; its {@code iss} is the
 * provider's and its {@code aud} names this application; it has an {@code exp} not past (give or take
 * {@link JwtTokens#CLOCK_SKEW}, as for the server's own tokens), and any {@code nbf} and {@code iat} are not ahead.
 * <p>
 * The user id is the id claim behind {@link #USER_ID_PREFIX}: the provider's users choose nothing of the id, but an
 * id it hands out could equal a local user's (ids are shown to everyone in a room), and that token would then sign in
 * as the local user. The prefix puts the provider's ids where no local id is, whatever the store already holds. An
 * email the provider says is not verified ({@code email_verified: false}) is not passed on.
 * <p>
 * Everything that decides without a key is checked first, so a token of another issuer or algorithm never makes
 * the JWKS be fetched; a key held makes the answer immediate.
 */
public final class IdentityProviderTokens implements TokenVerifier, AutoCloseable {
    /** Local ids are UUIDs, which hold no colon. */
    public static final String USER_ID_PREFIX = "idp:";
    /** Longer ids than this are refused: they are stored, indexed and sent to every member of a room. */
    public static final int MAX_USER_ID_LENGTH = 255;
    private static final Set<String> ALGORITHMS = Set.of("RS256", "ES256");

    private final IdentityProviderSettings settings;
    private final SigningKeys keys;
    private final Clock clock;

    IdentityProviderTokens(IdentityProviderSettings settings, SigningKeys keys, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Against one key, from a PEM file ({@link PemPublicKeys}). */
    public static IdentityProviderTokens withKey(IdentityProviderSettings settings, PublicKey key, Clock clock) {
        Algorithm algorithm = SigningAlgorithms.forKey(key).orElseThrow(
                () -> new IllegalArgumentException("the key is " + SigningAlgorithms.unusable(key)));
        return new IdentityProviderTokens(settings, SigningKeys.of(algorithm), clock);
    }

    /** Against the keys of a JWKS, fetched as {@link JwksSettings} says; {@link #close()} stops its thread. */
    public static IdentityProviderTokens withJwks(IdentityProviderSettings settings, JwksSettings jwks, Clock clock) {
        return new IdentityProviderTokens(settings, new JwksKeys(jwks, clock), clock);
    }

    @Override
    public CompletionStage<Optional<VerifiedToken>> verify(String token) {
        DecodedJWT unverified;
        try {
            unverified = JWT.decode(token);
        } catch (JWTDecodeException | NullPointerException | IllegalArgumentException e) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        if (!ALGORITHMS.contains(unverified.getAlgorithm()) || !settings.issuer().equals(unverified.getIssuer())) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        String kid = unverified.getKeyId();
        Optional<Algorithm> held = keys.held(kid);
        if (held.isPresent()) {
            return CompletableFuture.completedFuture(checked(token, held.get()));
        }
        return keys.lookUp(kid).thenApply(key -> key.flatMap(algorithm -> checked(token, algorithm)));
    }

    private Optional<VerifiedToken> checked(String token, Algorithm key) {
        DecodedJWT verified;
        try {
            JWTVerifier verifier = ((JWTVerifier.BaseVerification) JWT.require(key)
                    .withIssuer(settings.issuer())
                    .withAudience(settings.audience())
                    .withClaimPresence("exp")
                    .acceptLeeway(JwtTokens.CLOCK_SKEW.toSeconds()))
                    .build(clock);
            verified = verifier.verify(token);
        } catch (JWTVerificationException | IllegalArgumentException e) {
            return Optional.empty();
        }
        String id = text(verified.getClaim(settings.userIdClaim()));
        if (id == null || id.isBlank() || id.length() > MAX_USER_ID_LENGTH) {
            return Optional.empty();
        }
        Claim emailVerified = verified.getClaim("email_verified");
        String email = Boolean.FALSE.equals(emailVerified.asBoolean()) ? null : text(verified.getClaim(settings.emailClaim()));
        return Optional.of(VerifiedToken.fromIdentityProvider(new UserId(USER_ID_PREFIX + id),
                text(verified.getClaim(settings.usernameClaim())), email));
    }

    /** A claim that is a string; a number, object or list under that name is not taken for one. */
    private static String text(Claim claim) {
        return claim.isMissing() || claim.isNull() ? null : claim.asString();
    }

    @Override
    public void close() {
        keys.close();
    }
}
