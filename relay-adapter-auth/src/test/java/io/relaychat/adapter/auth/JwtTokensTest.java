package io.relaychat.adapter.auth;

import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.TokenIssuer;
import io.relaychat.ports.out.TokenVerifier;
import io.relaychat.testkit.TokenContract;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JwtTokensTest extends TokenContract {
    private static final String SECRET = "a-test-secret-that-is-long-enough-for-hs256";
    private final JwtTokens tokens = new JwtTokens(SECRET);

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

    @Test
    void anExpiredTokenIsRejected() {
        Clock lastWeek = Clock.fixed(Instant.now().minus(Duration.ofDays(8)), ZoneOffset.UTC);
        String old = new JwtTokens(SECRET, Duration.ofDays(7), lastWeek).issue(new UserId("alice"));

        assertTrue(tokens.verify(old).isEmpty());
    }

    @Test
    void aShortSecretIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new JwtTokens("short"));
        assertThrows(IllegalArgumentException.class, () -> new JwtTokens("x".repeat(31)));
    }
}
