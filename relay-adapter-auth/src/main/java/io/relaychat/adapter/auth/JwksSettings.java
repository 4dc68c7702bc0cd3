package io.relaychat.adapter.auth;

import java.net.URL;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the identity provider's JWKS is and how it is fetched: keys fetched are held for {@code keepKeys}, then
 * fetched again when a token needs one; a token naming a key not held fetches the set at once, but fetches are at
 * least {@code minInterval} apart, so a flood of made-up {@code kid}s costs the provider one request per interval;
 * {@code timeout} bounds connecting and each read of a fetch.
 */
public record JwksSettings(URL url, Duration keepKeys, Duration minInterval, Duration timeout) {
    public static final Duration DEFAULT_KEEP_KEYS = Duration.ofMinutes(10);
    public static final Duration DEFAULT_MIN_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    public JwksSettings {
        Objects.requireNonNull(url, "url");
        requirePositive(keepKeys, "keepKeys");
        requirePositive(minInterval, "minInterval");
        requirePositive(timeout, "timeout");
        if (keepKeys.compareTo(minInterval) < 0) {
            // Else keys would expire while no fetch is allowed, and every token would wait for nothing.
            throw new IllegalArgumentException("keys must be kept at least as long as the interval between fetches");
        }
    }

    private static void requirePositive(Duration value, String what) {
        if (Objects.requireNonNull(value, what).isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive");
        }
    }
}
