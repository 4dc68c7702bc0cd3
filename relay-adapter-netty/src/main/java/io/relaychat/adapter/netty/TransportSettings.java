package io.relaychat.adapter.netty;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the transport listens and what it accepts. The {@code DEFAULT_*} constants are the one place the
 * transport's default limits are written; a configuration that reads them from the environment takes its
 * defaults from here. The largest upload is not a transport setting: it is the core's
 * ({@link io.relaychat.ports.in.UploadsUseCase#maxBytes()}).
 *
 * @param host            address to bind, e.g. "0.0.0.0"
 * @param port            port to bind; 0 picks a free one
 * @param corsOrigins     allowed browser origins; a single "*" allows any
 * @param maxJsonBytes    largest JSON request body; larger requests get 413
 * @param maxFrameBytes   largest WebSocket message; a larger one gets an error frame and close 1009
 * @param idleTimeout     a WebSocket that sends nothing, not even the answer to our ping, for this long is closed
 * @param ioThreads       event loop threads; 0 means Netty's default (twice the cores)
 */
public record TransportSettings(String host, int port, List<String> corsOrigins, int maxJsonBytes,
                                int maxFrameBytes, Duration idleTimeout, int ioThreads) {
    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 8001;
    public static final List<String> DEFAULT_CORS_ORIGINS = List.of("*");
    public static final int DEFAULT_MAX_JSON_BYTES = 1024 * 1024;
    public static final int DEFAULT_MAX_FRAME_BYTES = 64 * 1024;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(120);
    public static final int DEFAULT_IO_THREADS = 0;
    /** Below this, ordinary requests and frames of the protocol would not fit. */
    public static final int MIN_BODY_OR_FRAME_BYTES = 1024;

    public TransportSettings {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535");
        }
        corsOrigins = List.copyOf(corsOrigins);
        if (maxJsonBytes < MIN_BODY_OR_FRAME_BYTES || maxFrameBytes < MIN_BODY_OR_FRAME_BYTES) {
            throw new IllegalArgumentException("body and frame limits must be at least " + MIN_BODY_OR_FRAME_BYTES + " bytes");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive");
        }
        if (ioThreads < 0) {
            throw new IllegalArgumentException("ioThreads must not be negative");
        }
    }

    public static TransportSettings defaults() {
        return new TransportSettings(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_CORS_ORIGINS, DEFAULT_MAX_JSON_BYTES,
                DEFAULT_MAX_FRAME_BYTES, DEFAULT_IDLE_TIMEOUT, DEFAULT_IO_THREADS);
    }

    public TransportSettings withPort(int value) {
        return new TransportSettings(host, value, corsOrigins, maxJsonBytes, maxFrameBytes, idleTimeout, ioThreads);
    }
}
