package io.relaychat.server;

import io.relaychat.adapter.netty.TlsFiles;
import io.relaychat.adapter.netty.TransportSettings;
import io.relaychat.adapter.netty.WebSocketCompression;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The transport's settings as the environment sets them (HOST, PORT, CORS_ORIGINS, RELAY_TRUSTED_PROXIES and the
 * RELAY_HTTP_*, RELAY_WS_* and body and connection limits of the README, RELAY_TLS_CERT and RELAY_TLS_KEY), each
 * defaulting to {@link TransportSettings#defaults()}. A limit or timeout of 0 turns it off.
 */
final class TransportConfig {
    private static final int MAX_SECONDS = 86_400;

    private TransportConfig() {
    }

    static TransportSettings fromEnvironment(EnvReader read) {
        TransportSettings defaults = TransportSettings.defaults();
        List<String> cors = list(read.text("CORS_ORIGINS", String.join(",", defaults.corsOrigins())));
        List<String> trustedProxies = list(read.text("RELAY_TRUSTED_PROXIES", String.join(",", defaults.trustedProxies())));
        TransportSettings settings = settings(read, defaults, cors)
                .withTls(tls(read))
                .withCompression(new WebSocketCompression(read.bool("RELAY_WS_COMPRESSION", defaults.compression().enabled()),
                        read.integer("RELAY_WS_COMPRESSION_MIN_BYTES", defaults.compression().minBytes(), 0, 16 * 1024 * 1024)));
        try {
            return settings.withTrustedProxies(trustedProxies);
        } catch (IllegalArgumentException notAnAddress) {
            throw new ConfigException("RELAY_TRUSTED_PROXIES must be a comma-separated list of IP addresses and networks "
                    + "(such as 10.0.0.0/8 or fd00::/8): " + notAnAddress.getMessage());
        }
    }

    /** Both files or neither: a certificate without its key (or the reverse) is a mistake, never plain HTTP. */
    private static Optional<TlsFiles> tls(EnvReader read) {
        String certificate = read.text("RELAY_TLS_CERT", null);
        String key = read.text("RELAY_TLS_KEY", null);
        if (certificate == null && key == null) {
            return Optional.empty();
        }
        if (certificate == null || key == null) {
            throw new ConfigException((certificate == null ? "RELAY_TLS_KEY" : "RELAY_TLS_CERT") + " is set, so "
                    + (certificate == null ? "RELAY_TLS_CERT" : "RELAY_TLS_KEY") + " must be too: TLS needs the "
                    + "certificate chain (RELAY_TLS_CERT) and its PKCS#8 private key (RELAY_TLS_KEY), both PEM files");
        }
        return Optional.of(new TlsFiles(Path.of(certificate), Path.of(key)));
    }

    private static List<String> list(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::strip).filter(entry -> !entry.isEmpty()).toList();
    }

    private static TransportSettings settings(EnvReader read, TransportSettings defaults, List<String> cors) {
        return new TransportSettings(
                read.text("HOST", defaults.host()),
                read.integer("PORT", defaults.port(), 0, 65535),
                cors,
                read.integer("RELAY_MAX_JSON_BYTES", defaults.maxJsonBytes(), TransportSettings.MIN_BODY_OR_FRAME_BYTES,
                        64 * 1024 * 1024),
                read.integer("RELAY_MAX_FRAME_BYTES", defaults.maxFrameBytes(), TransportSettings.MIN_BODY_OR_FRAME_BYTES,
                        16 * 1024 * 1024),
                seconds(read, "RELAY_IDLE_TIMEOUT_SECONDS", defaults.idleTimeout(), 2),
                read.integer("RELAY_IO_THREADS", defaults.ioThreads(), 0, 1024),
                seconds(read, "RELAY_HTTP_HEAD_TIMEOUT_SECONDS", defaults.headTimeout(), 0),
                seconds(read, "RELAY_HTTP_BODY_TIMEOUT_SECONDS", defaults.bodyReadTimeout(), 0),
                seconds(read, "RELAY_HTTP_KEEPALIVE_TIMEOUT_SECONDS", defaults.keepAliveTimeout(), 0),
                seconds(read, "RELAY_HTTP_WRITE_TIMEOUT_SECONDS", defaults.writeTimeout(), 0),
                read.integer("RELAY_MAX_OTHER_BODY_BYTES", defaults.maxOtherBodyBytes(), 0, 64 * 1024 * 1024),
                (long) read.integer("RELAY_MAX_BODY_BYTES_IN_FLIGHT", (int) Math.min(Integer.MAX_VALUE,
                        defaults.maxBodyBytesInFlight()), 0, Integer.MAX_VALUE),
                read.integer("RELAY_MAX_CONNECTIONS", defaults.maxConnections(), 0, 10_000_000),
                read.integer("RELAY_WS_MAX_REQUESTS_IN_FLIGHT", defaults.maxRequestsInFlight(), 0, 1_000_000),
                (long) read.integer("RELAY_WS_MAX_QUEUED_BYTES", (int) defaults.maxQueuedBytes(), 0, Integer.MAX_VALUE),
                read.integer("RELAY_WS_RATE_LIMIT_CLOSE_COUNT", defaults.rateLimitCloseCount(), 0, 1_000_000),
                seconds(read, "RELAY_WS_RATE_LIMIT_CLOSE_WINDOW_SECONDS", defaults.rateLimitCloseWindow(), 0),
                seconds(read, "RELAY_HTTP_ANSWER_TIMEOUT_SECONDS", defaults.answerTimeout(), 0),
                read.integer("RELAY_HTTP_MIN_BODY_BYTES_PER_SECOND", defaults.minBodyBytesPerSecond(), 0,
                        1024 * 1024 * 1024));
    }

    private static Duration seconds(EnvReader read, String name, Duration fallback, int min) {
        return Duration.ofSeconds(read.integer(name, (int) fallback.toSeconds(), min, MAX_SECONDS));
    }
}
