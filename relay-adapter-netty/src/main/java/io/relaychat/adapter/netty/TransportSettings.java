package io.relaychat.adapter.netty;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the transport listens and what it accepts.
 *
 * @param host            address to bind, e.g. "0.0.0.0"
 * @param port            port to bind; 0 picks a free one
 * @param corsOrigins     allowed browser origins; a single "*" allows any
 * @param maxUploadBytes  largest uploaded file; larger requests get 413
 * @param maxJsonBytes    largest JSON request body; larger requests get 413
 * @param maxFrameBytes   largest WebSocket message; larger ones close the connection with 1009
 * @param idleTimeout     a WebSocket that sends nothing, not even the answer to our ping, for this long is closed
 * @param ioThreads       event loop threads; 0 means Netty's default (twice the cores)
 */
public record TransportSettings(String host, int port, List<String> corsOrigins, long maxUploadBytes,
                                int maxJsonBytes, int maxFrameBytes, Duration idleTimeout, int ioThreads) {
    public static final int DEFAULT_PORT = 8001;

    public TransportSettings {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535");
        }
        corsOrigins = List.copyOf(corsOrigins);
        if (maxUploadBytes < 1 || maxUploadBytes > Integer.MAX_VALUE - 1024 * 1024) {
            throw new IllegalArgumentException("maxUploadBytes out of range");
        }
        if (maxJsonBytes < 1024 || maxFrameBytes < 1024) {
            throw new IllegalArgumentException("body and frame limits must be at least 1 KiB");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive");
        }
    }

    public static TransportSettings defaults() {
        return new TransportSettings("0.0.0.0", DEFAULT_PORT, List.of("*"), 10L * 1024 * 1024, 1024 * 1024,
                64 * 1024, Duration.ofSeconds(120), 0);
    }

    public TransportSettings withPort(int value) {
        return new TransportSettings(host, value, corsOrigins, maxUploadBytes, maxJsonBytes, maxFrameBytes,
                idleTimeout, ioThreads);
    }

}
