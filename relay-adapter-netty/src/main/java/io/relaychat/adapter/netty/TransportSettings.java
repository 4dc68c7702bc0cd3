package io.relaychat.adapter.netty;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How the transport listens and what it accepts. {@link #defaults()} is the one place the transport's
 * default limits are written; a configuration that reads them from the environment takes its defaults from
 * there. For every limit added with the hardening against hostile clients, 0 turns it off, but for
 * {@code maxOtherBodyBytes}, where 0 means "as {@code maxJsonBytes}" (a body is always bounded). The largest upload
 * is not a transport setting: it is the core's ({@link io.relaychat.ports.in.UploadsUseCase#maxBytes()}).
 *
 * @param host                 address to bind, e.g. "0.0.0.0"
 * @param port                 port to bind; 0 picks a free one
 * @param corsOrigins          allowed browser origins; a single "*" allows any, without credentials
 * @param maxJsonBytes         largest body of a POST route other than the upload; larger ones get 413
 * @param maxFrameBytes        largest WebSocket message; a larger one gets an error frame and close 1009
 * @param idleTimeout          a WebSocket that sends nothing, not even the answer to our ping, for this long is closed
 *                             (its ping comes after 3/8 to 1/2 of it, drawn per WebSocket, and the close as long after)
 * @param ioThreads            event loop threads; 0 means Netty's default (twice the cores)
 * @param headTimeout          a request head (line and headers) must arrive whole this soon after its first byte;
 *                             a new connection must send one this soon
 * @param bodyReadTimeout      longest wait for the next bytes of a request body
 * @param keepAliveTimeout     longest wait for the next request on a kept-alive connection
 * @param writeTimeout         longest an answer being written may go without a byte of it leaving for the client
 * @param maxOtherBodyBytes    largest body of any other request (GETs, the WebSocket upgrade); 0 is not "off" but
 *                             "as maxJsonBytes"
 * @param maxBodyBytesInFlight request bodies the node holds at once, all connections together; past it 503
 * @param maxConnections       open connections on the node, HTTP and WebSocket; past it a request is answered 503
 * @param maxRequestsInFlight  requests of one WebSocket handed to the core and not yet answered; at it, the socket
 *                             is not read until answers come back
 * @param maxQueuedBytes       bytes one WebSocket may have waiting in each of two places: for the event loop, and
 *                             in Netty's outbound buffer; past either, the client is too slow (1013)
 * @param rateLimitCloseCount  a WebSocket refused rate_limited more often than this within rateLimitCloseWindow is
 *                             closed with 1008
 * @param rateLimitCloseWindow the window of rateLimitCloseCount
 * @param answerTimeout        longest the server may work on a request (a body on hold while its token is checked,
 *                             a whole request waiting for its answer) before the connection is closed: a safety
 *                             net for an answer that never comes, not a deadline for slow work
 * @param minBodyBytesPerSecond the slowest a request body may arrive: once a body is {@link #BODY_RATE_WINDOW} old,
 *                             each window of that length must bring at least this many bytes a second
 * @param trustedProxies       addresses and networks ({@code 10.0.0.0/8}) of the proxies in front of the node, whose
 *                             {@code X-Forwarded-For} names the client for per-address limits; empty: the socket's
 *                             peer is the client, whatever a header says
 * @param tls                  the certificate chain and key the public port serves HTTPS and wss:// with; empty:
 *                             plain HTTP and ws:// (TLS ends at a proxy in front, or nowhere)
 * @param compression          whether WebSockets may negotiate permessage-deflate, and from what size a frame is
 *                             compressed
 * @param webClient            the browser client served at {@code /} and under {@code /assets/}; empty: none, and
 *                             {@code /} answers 404 like any path the API does not have
 */
public record TransportSettings(String host, int port, List<String> corsOrigins, int maxJsonBytes,
                                int maxFrameBytes, Duration idleTimeout, int ioThreads,
                                Duration headTimeout, Duration bodyReadTimeout, Duration keepAliveTimeout,
                                Duration writeTimeout, int maxOtherBodyBytes, long maxBodyBytesInFlight,
                                int maxConnections, int maxRequestsInFlight, long maxQueuedBytes,
                                int rateLimitCloseCount, Duration rateLimitCloseWindow, Duration answerTimeout,
                                int minBodyBytesPerSecond, List<String> trustedProxies, Optional<TlsFiles> tls,
                                WebSocketCompression compression, Optional<WebClient> webClient) {
    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 8001;
    public static final List<String> DEFAULT_CORS_ORIGINS = List.of("*");
    public static final int DEFAULT_MAX_JSON_BYTES = 1024 * 1024;
    public static final int DEFAULT_MAX_FRAME_BYTES = 64 * 1024;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(120);
    public static final int DEFAULT_IO_THREADS = 0;
    public static final Duration DEFAULT_HEAD_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_BODY_READ_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_KEEP_ALIVE_TIMEOUT = Duration.ofSeconds(20);
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);
    /** Nothing but JSON routes and the upload take a body; this leaves room for a client that sends one anyway. */
    public static final int DEFAULT_MAX_OTHER_BODY_BYTES = 16 * 1024;
    /** A busy client keeps a few requests going at once (join, sends, typing); 32 is far more than a UI needs. */
    public static final int DEFAULT_MAX_REQUESTS_IN_FLIGHT = 32;
    public static final long DEFAULT_MAX_QUEUED_BYTES = 4L * 1024 * 1024;
    public static final int DEFAULT_RATE_LIMIT_CLOSE_COUNT = 50;
    public static final Duration DEFAULT_RATE_LIMIT_CLOSE_WINDOW = Duration.ofSeconds(10);
    /** Far longer than any answer should take (a login's hashing, an upload stored), yet not forever. */
    public static final Duration DEFAULT_ANSWER_TIMEOUT = Duration.ofSeconds(60);
    /**
     * 4 KiB/s, 32 kbit/s: below what the slowest mobile links in use still carry, and far above the byte every
     * few seconds that keeps a body alive against the read timeout alone.
     */
    public static final int DEFAULT_MIN_BODY_BYTES_PER_SECOND = 4096;
    /** The window over which a body's rate is measured, and the grace before the first one. */
    public static final Duration BODY_RATE_WINDOW = Duration.ofSeconds(5);
    /** Below this, ordinary requests and frames of the protocol would not fit. */
    public static final int MIN_BODY_OR_FRAME_BYTES = 1024;
    /** File descriptors kept out of {@link #defaultMaxConnections} for files, stores and the JVM itself. */
    static final long RESERVED_FILE_DESCRIPTORS = 256;
    /** Where the open-file limit cannot be read. */
    static final int FALLBACK_MAX_CONNECTIONS = 10_000;

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
        for (Duration timeout : List.of(headTimeout, bodyReadTimeout, keepAliveTimeout, writeTimeout, rateLimitCloseWindow,
                answerTimeout)) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("timeouts must not be negative (0 turns one off)");
            }
        }
        if (maxOtherBodyBytes < 0 || maxBodyBytesInFlight < 0 || maxConnections < 0 || maxRequestsInFlight < 0
                || maxQueuedBytes < 0 || rateLimitCloseCount < 0 || minBodyBytesPerSecond < 0) {
            throw new IllegalArgumentException("limits must not be negative (0 turns one off)");
        }
        trustedProxies = List.copyOf(trustedProxies);
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(compression, "compression");
        Objects.requireNonNull(webClient, "webClient");
        new ClientAddressResolver(trustedProxies); // refuses an entry that is no address or network, at start-up
    }

    /** Every setting but TLS, compression and the web client: plain HTTP, WebSockets uncompressed, no page at /. */
    public TransportSettings(String host, int port, List<String> corsOrigins, int maxJsonBytes,
                             int maxFrameBytes, Duration idleTimeout, int ioThreads,
                             Duration headTimeout, Duration bodyReadTimeout, Duration keepAliveTimeout,
                             Duration writeTimeout, int maxOtherBodyBytes, long maxBodyBytesInFlight,
                             int maxConnections, int maxRequestsInFlight, long maxQueuedBytes,
                             int rateLimitCloseCount, Duration rateLimitCloseWindow, Duration answerTimeout,
                             int minBodyBytesPerSecond, List<String> trustedProxies) {
        this(host, port, corsOrigins, maxJsonBytes, maxFrameBytes, idleTimeout, ioThreads, headTimeout, bodyReadTimeout,
                keepAliveTimeout, writeTimeout, maxOtherBodyBytes, maxBodyBytesInFlight, maxConnections,
                maxRequestsInFlight, maxQueuedBytes, rateLimitCloseCount, rateLimitCloseWindow, answerTimeout,
                minBodyBytesPerSecond, trustedProxies, Optional.empty(), WebSocketCompression.OFF, Optional.empty());
    }

    /** Every setting but the trusted proxies: none, so every client is its socket's peer. */
    public TransportSettings(String host, int port, List<String> corsOrigins, int maxJsonBytes,
                             int maxFrameBytes, Duration idleTimeout, int ioThreads,
                             Duration headTimeout, Duration bodyReadTimeout, Duration keepAliveTimeout,
                             Duration writeTimeout, int maxOtherBodyBytes, long maxBodyBytesInFlight,
                             int maxConnections, int maxRequestsInFlight, long maxQueuedBytes,
                             int rateLimitCloseCount, Duration rateLimitCloseWindow, Duration answerTimeout,
                             int minBodyBytesPerSecond) {
        this(host, port, corsOrigins, maxJsonBytes, maxFrameBytes, idleTimeout, ioThreads, headTimeout, bodyReadTimeout,
                keepAliveTimeout, writeTimeout, maxOtherBodyBytes, maxBodyBytesInFlight, maxConnections,
                maxRequestsInFlight, maxQueuedBytes, rateLimitCloseCount, rateLimitCloseWindow, answerTimeout,
                minBodyBytesPerSecond, List.of());
    }

    /** Every setting but the answer deadline and the minimum body rate, which take their defaults. */
    public TransportSettings(String host, int port, List<String> corsOrigins, int maxJsonBytes,
                             int maxFrameBytes, Duration idleTimeout, int ioThreads,
                             Duration headTimeout, Duration bodyReadTimeout, Duration keepAliveTimeout,
                             Duration writeTimeout, int maxOtherBodyBytes, long maxBodyBytesInFlight,
                             int maxConnections, int maxRequestsInFlight, long maxQueuedBytes,
                             int rateLimitCloseCount, Duration rateLimitCloseWindow) {
        this(host, port, corsOrigins, maxJsonBytes, maxFrameBytes, idleTimeout, ioThreads, headTimeout, bodyReadTimeout,
                keepAliveTimeout, writeTimeout, maxOtherBodyBytes, maxBodyBytesInFlight, maxConnections,
                maxRequestsInFlight, maxQueuedBytes, rateLimitCloseCount, rateLimitCloseWindow, DEFAULT_ANSWER_TIMEOUT,
                DEFAULT_MIN_BODY_BYTES_PER_SECOND);
    }

    /** The settings the server has always passed, with every later limit at its default. */
    public TransportSettings(String host, int port, List<String> corsOrigins, int maxJsonBytes, int maxFrameBytes,
                             Duration idleTimeout, int ioThreads) {
        this(host, port, corsOrigins, maxJsonBytes, maxFrameBytes, idleTimeout, ioThreads,
                DEFAULT_HEAD_TIMEOUT, DEFAULT_BODY_READ_TIMEOUT, DEFAULT_KEEP_ALIVE_TIMEOUT, DEFAULT_WRITE_TIMEOUT,
                DEFAULT_MAX_OTHER_BODY_BYTES, defaultMaxBodyBytesInFlight(), defaultMaxConnections(),
                DEFAULT_MAX_REQUESTS_IN_FLIGHT, DEFAULT_MAX_QUEUED_BYTES, DEFAULT_RATE_LIMIT_CLOSE_COUNT,
                DEFAULT_RATE_LIMIT_CLOSE_WINDOW);
    }

    public static TransportSettings defaults() {
        return new TransportSettings(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_CORS_ORIGINS, DEFAULT_MAX_JSON_BYTES,
                DEFAULT_MAX_FRAME_BYTES, DEFAULT_IDLE_TIMEOUT, DEFAULT_IO_THREADS);
    }

    /**
     * A quarter of the heap, between 16 MiB and 256 MiB: room for 25 of the largest uploads at once on a large
     * heap, and never so much that bodies alone could exhaust a small one.
     */
    static long defaultMaxBodyBytesInFlight() {
        long quarter = Runtime.getRuntime().maxMemory() / 4;
        return Math.max(16L * 1024 * 1024, Math.min(256L * 1024 * 1024, quarter));
    }

    /** The process's open-file limit less a reserve, since every connection is a file; else a fixed number. */
    static int defaultMaxConnections() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return connectionsFor(unix.getMaxFileDescriptorCount());
        }
        return FALLBACK_MAX_CONNECTIONS;
    }

    static int connectionsFor(long maxFileDescriptors) {
        if (maxFileDescriptors <= 0) {
            return FALLBACK_MAX_CONNECTIONS;
        }
        long reserve = Math.max(RESERVED_FILE_DESCRIPTORS, maxFileDescriptors / 10);
        return (int) Math.max(64, Math.min(Integer.MAX_VALUE, maxFileDescriptors - reserve));
    }

    public TransportSettings withPort(int value) {
        return new TransportSettings(host, value, corsOrigins, maxJsonBytes, maxFrameBytes, idleTimeout, ioThreads,
                headTimeout, bodyReadTimeout, keepAliveTimeout, writeTimeout, maxOtherBodyBytes, maxBodyBytesInFlight,
                maxConnections, maxRequestsInFlight, maxQueuedBytes, rateLimitCloseCount, rateLimitCloseWindow,
                answerTimeout, minBodyBytesPerSecond, trustedProxies, tls, compression, webClient);
    }

    /** The four HTTP phase timeouts: head, each body read, between kept-alive requests, writing an answer. */
    public TransportSettings withHttpTimeouts(Duration head, Duration bodyRead, Duration keepAlive, Duration write) {
        return new TransportSettings(host, port, corsOrigins, maxJsonBytes, maxFrameBytes, idleTimeout, ioThreads,
                head, bodyRead, keepAlive, write, maxOtherBodyBytes, maxBodyBytesInFlight,
                maxConnections, maxRequestsInFlight, maxQueuedBytes, rateLimitCloseCount, rateLimitCloseWindow,
                answerTimeout, minBodyBytesPerSecond, trustedProxies, tls, compression, webClient);
    }

    /** The bounds on request bodies: the JSON routes', every other route's, and the node's total. */
    public TransportSettings withBodyLimits(int json, int other, long inFlight) {
        return new TransportSettings(host, port, corsOrigins, json, maxFrameBytes, idleTimeout, ioThreads,
                headTimeout, bodyReadTimeout, keepAliveTimeout, writeTimeout, other, inFlight,
                maxConnections, maxRequestsInFlight, maxQueuedBytes, rateLimitCloseCount, rateLimitCloseWindow,
                answerTimeout, minBodyBytesPerSecond, trustedProxies, tls, compression, webClient);
    }

    public TransportSettings withMaxConnections(int value) {
        return new TransportSettings(host, port, corsOrigins, maxJsonBytes, maxFrameBytes, idleTimeout, ioThreads,
                headTimeout, bodyReadTimeout, keepAliveTimeout, writeTimeout, maxOtherBodyBytes, maxBodyBytesInFlight,
                value, maxRequestsInFlight, maxQueuedBytes, rateLimitCloseCount, rateLimitCloseWindow,
                answerTimeout, minBodyBytesPerSecond, trustedProxies, tls, compression, webClient);
    }

    /** What one WebSocket may hold: requests in flight, bytes queued to it, rate-limit refusals in a window. */
    public TransportSettings withWebSocketLimits(int requestsInFlight, long queuedBytes, int closeAfterRefusals,
                                                 Duration refusalWindow) {
        return new TransportSettings(host, port, corsOrigins, maxJsonBytes, maxFrameBytes, idleTimeout, ioThreads,
                headTimeout, bodyReadTimeout, keepAliveTimeout, writeTimeout, maxOtherBodyBytes, maxBodyBytesInFlight,
                maxConnections, requestsInFlight, queuedBytes, closeAfterRefusals, refusalWindow,
                answerTimeout, minBodyBytesPerSecond, trustedProxies, tls, compression, webClient);
    }

    /** The longest the server may work on one request before its connection is closed; 0: no deadline. */
    public TransportSettings withAnswerTimeout(Duration value) {
        return new TransportSettings(host, port, corsOrigins, maxJsonBytes, maxFrameBytes, idleTimeout, ioThreads,
                headTimeout, bodyReadTimeout, keepAliveTimeout, writeTimeout, maxOtherBodyBytes, maxBodyBytesInFlight,
                maxConnections, maxRequestsInFlight, maxQueuedBytes, rateLimitCloseCount, rateLimitCloseWindow,
                value, minBodyBytesPerSecond, trustedProxies, tls, compression, webClient);
    }

    /** The slowest a request body may arrive, in bytes a second; 0: no minimum. */
    public TransportSettings withMinBodyBytesPerSecond(int value) {
        return new TransportSettings(host, port, corsOrigins, maxJsonBytes, maxFrameBytes, idleTimeout, ioThreads,
                headTimeout, bodyReadTimeout, keepAliveTimeout, writeTimeout, maxOtherBodyBytes, maxBodyBytesInFlight,
                maxConnections, maxRequestsInFlight, maxQueuedBytes, rateLimitCloseCount, rateLimitCloseWindow,
                answerTimeout, value, trustedProxies, tls, compression, webClient);
    }

    /** The proxies whose X-Forwarded-For names the client: addresses and networks such as {@code 10.0.0.0/8}. */
    public TransportSettings withTrustedProxies(List<String> value) {
        return new TransportSettings(host, port, corsOrigins, maxJsonBytes, maxFrameBytes, idleTimeout, ioThreads,
                headTimeout, bodyReadTimeout, keepAliveTimeout, writeTimeout, maxOtherBodyBytes, maxBodyBytesInFlight,
                maxConnections, maxRequestsInFlight, maxQueuedBytes, rateLimitCloseCount, rateLimitCloseWindow,
                answerTimeout, minBodyBytesPerSecond, value, tls, compression, webClient);
    }

    /** Serves HTTPS and wss:// with these files; empty: plain HTTP. */
    public TransportSettings withTls(Optional<TlsFiles> value) {
        return new TransportSettings(host, port, corsOrigins, maxJsonBytes, maxFrameBytes, idleTimeout, ioThreads,
                headTimeout, bodyReadTimeout, keepAliveTimeout, writeTimeout, maxOtherBodyBytes, maxBodyBytesInFlight,
                maxConnections, maxRequestsInFlight, maxQueuedBytes, rateLimitCloseCount, rateLimitCloseWindow,
                answerTimeout, minBodyBytesPerSecond, trustedProxies, value, compression, webClient);
    }

    /** Whether WebSockets may negotiate permessage-deflate, and from what size a frame is compressed. */
    public TransportSettings withCompression(WebSocketCompression value) {
        return new TransportSettings(host, port, corsOrigins, maxJsonBytes, maxFrameBytes, idleTimeout, ioThreads,
                headTimeout, bodyReadTimeout, keepAliveTimeout, writeTimeout, maxOtherBodyBytes, maxBodyBytesInFlight,
                maxConnections, maxRequestsInFlight, maxQueuedBytes, rateLimitCloseCount, rateLimitCloseWindow,
                answerTimeout, minBodyBytesPerSecond, trustedProxies, tls, value, webClient);
    }

    /** Serves this browser client at {@code /} and its files under {@code /assets/<version>/}; empty: none. */
    public TransportSettings withWebClient(Optional<WebClient> value) {
        return new TransportSettings(host, port, corsOrigins, maxJsonBytes, maxFrameBytes, idleTimeout, ioThreads,
                headTimeout, bodyReadTimeout, keepAliveTimeout, writeTimeout, maxOtherBodyBytes, maxBodyBytesInFlight,
                maxConnections, maxRequestsInFlight, maxQueuedBytes, rateLimitCloseCount, rateLimitCloseWindow,
                answerTimeout, minBodyBytesPerSecond, trustedProxies, tls, compression, value);
    }
}
