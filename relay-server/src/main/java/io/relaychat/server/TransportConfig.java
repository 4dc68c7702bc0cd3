package io.relaychat.server;

import io.relaychat.adapter.netty.TlsFiles;
import io.relaychat.adapter.netty.TransportSettings;
import io.relaychat.adapter.netty.WebSocketCompression;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The transport's settings as the environment sets them (HOST, PORT, CORS_ORIGINS, RELAY_TRUSTED_PROXIES and the
 * RELAY_HTTP_*, RELAY_WS_*, RELAY_TLS_* and body and connection limits: their rows of {@link Setting}), each defaulting to
 * {@link TransportSettings#defaults()}. A limit or timeout of 0 turns it off.
 */
final class TransportConfig {
    private TransportConfig() {
    }

    static TransportSettings fromEnvironment(EnvReader read) {
        TransportSettings settings = new TransportSettings(
                read.text(Setting.HOST),
                read.integer(Setting.PORT),
                read.list(Setting.CORS_ORIGINS),
                read.integer(Setting.RELAY_MAX_JSON_BYTES),
                read.integer(Setting.RELAY_MAX_FRAME_BYTES),
                seconds(read, Setting.RELAY_IDLE_TIMEOUT_SECONDS),
                read.integer(Setting.RELAY_IO_THREADS),
                seconds(read, Setting.RELAY_HTTP_HEAD_TIMEOUT_SECONDS),
                seconds(read, Setting.RELAY_HTTP_BODY_TIMEOUT_SECONDS),
                seconds(read, Setting.RELAY_HTTP_KEEPALIVE_TIMEOUT_SECONDS),
                seconds(read, Setting.RELAY_HTTP_WRITE_TIMEOUT_SECONDS),
                read.integer(Setting.RELAY_MAX_OTHER_BODY_BYTES),
                read.integer(Setting.RELAY_MAX_BODY_BYTES_IN_FLIGHT),
                read.integer(Setting.RELAY_MAX_CONNECTIONS),
                read.integer(Setting.RELAY_WS_MAX_REQUESTS_IN_FLIGHT),
                read.integer(Setting.RELAY_WS_MAX_QUEUED_BYTES),
                read.integer(Setting.RELAY_WS_RATE_LIMIT_CLOSE_COUNT),
                seconds(read, Setting.RELAY_WS_RATE_LIMIT_CLOSE_WINDOW_SECONDS),
                seconds(read, Setting.RELAY_HTTP_ANSWER_TIMEOUT_SECONDS),
                read.integer(Setting.RELAY_HTTP_MIN_BODY_BYTES_PER_SECOND))
                .withTls(tls(read))
                .withCompression(new WebSocketCompression(read.bool(Setting.RELAY_WS_COMPRESSION),
                        read.integer(Setting.RELAY_WS_COMPRESSION_MIN_BYTES)));
        try {
            return settings.withTrustedProxies(read.list(Setting.RELAY_TRUSTED_PROXIES));
        } catch (IllegalArgumentException notAnAddress) {
            throw new ConfigException("RELAY_TRUSTED_PROXIES must be a comma-separated list of IP addresses and networks "
                    + "(such as 10.0.0.0/8 or fd00::/8): " + notAnAddress.getMessage());
        }
    }

    /** Both files or neither: a certificate without its key (or the reverse) is a mistake, never plain HTTP. */
    private static Optional<TlsFiles> tls(EnvReader read) {
        String certificate = read.text(Setting.RELAY_TLS_CERT);
        String key = read.text(Setting.RELAY_TLS_KEY);
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

    private static Duration seconds(EnvReader read, Setting setting) {
        return Duration.ofSeconds(read.integer(setting));
    }
}
