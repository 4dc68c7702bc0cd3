package io.relaychat.adapter.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.cors.CorsConfig;
import io.netty.handler.codec.http.cors.CorsConfigBuilder;
import io.netty.handler.codec.http.cors.CorsHandler;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.relaychat.ports.in.RelayUseCases;
import io.relaychat.ports.out.RelayMetrics;

import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The handlers of one HTTP connection, in their order, around the parts the node's connections share (the
 * routes, the body budget, the connection count); and the ones taken out again when it becomes a WebSocket.
 * <pre>
 *   decoder (one request at a time) · encoder · security headers · exchanges (deadlines, order, reading)
 *   · chunks (a file written as the client reads it) · CORS · gate (a body read at all?) · bodies (bounds,
 *   budget, uploads streamed) · handler (routes, upgrade)
 * </pre>
 * CORS comes before the gate and the bodies so that a body refused early is answered with CORS headers too,
 * which a browser needs to let the page see the refusal at all. A connection past the node's limit gets only
 * what it takes to be told so: a codec, the headers, CORS and {@link ServerFull}.
 */
final class HttpPipeline {
    /** Room for the multipart envelope (boundaries, part headers) around the largest file the core accepts. */
    static final int MULTIPART_SLACK_BYTES = 64 * 1024;
    /**
     * Taken out at the upgrade. The flush consolidation too: a WebSocket's writes come in its loop's outbox batches,
     * each flushed once, and the consolidation would add a task of its own for every flush outside a read.
     */
    private static final List<String> HTTP_ONLY = List.of("http-headers", "http-exchanges", "http-chunks", "cors",
            "http-gate", "http-bodies", "flush");

    private final TransportSettings settings;
    private final RestApi api;
    private final WebSocketUpgrade webSocket;
    private final WebClientRoutes webClient;
    private final CorsConfig cors;
    private final BodyBounds bounds;
    private final BodyGate.Check bodyGate;
    private final BodyBudget budget;
    private final ConnectionCount connections;
    private final AccessLog accessLog;
    private final SecurityHeaders headers;
    private final BooleanSupplier draining;

    HttpPipeline(RelayUseCases core, TransportSettings settings, ChannelGroup webSockets) {
        this(core, settings, webSockets, () -> false);
    }

    /** {@code draining}: whether the transport has started to stop, which readiness tells the load balancers. */
    HttpPipeline(RelayUseCases core, TransportSettings settings, ChannelGroup webSockets, BooleanSupplier draining) {
        this(core, settings, webSockets, draining, RelayMetrics.NONE);
    }

    HttpPipeline(RelayUseCases core, TransportSettings settings, ChannelGroup webSockets, BooleanSupplier draining,
                 RelayMetrics metrics) {
        this.settings = settings;
        this.draining = draining;
        ClientAddressResolver addresses = new ClientAddressResolver(settings.trustedProxies());
        this.accessLog = new AccessLog(addresses);
        this.api = new RestApi(core, addresses, draining);
        this.webSocket = new WebSocketUpgrade(core, settings, webSockets, accessLog, metrics);
        this.webClient = new WebClientRoutes(settings.webClient());
        this.cors = corsConfig(settings.corsOrigins());
        this.bounds = new BodyBounds(settings.maxJsonBytes(), uploadBodyBytes(core.uploads().maxBytes()),
                settings.maxOtherBodyBytes());
        this.bodyGate = api.bodyGate();
        this.budget = new BodyBudget(settings.maxBodyBytesInFlight());
        this.connections = new ConnectionCount(settings.maxConnections());
        this.headers = SecurityHeaders.forTls(settings.tls().isPresent());
    }

    /**
     * The most the transport reads of an upload: the biggest file the core accepts with its envelope. The body
     * streams to the store and is never held whole, but body sizes are counted as ints, so the limit must fit one.
     */
    static int uploadBodyBytes(long maxUploadBytes) {
        if (maxUploadBytes < 1 || maxUploadBytes > Integer.MAX_VALUE - MULTIPART_SLACK_BYTES) {
            throw new IllegalArgumentException("the core's upload limit (" + maxUploadBytes
                    + " bytes) must be between 1 and " + (Integer.MAX_VALUE - MULTIPART_SLACK_BYTES) + " bytes");
        }
        return (int) maxUploadBytes + MULTIPART_SLACK_BYTES;
    }

    /**
     * Any origin ("*") is answered "*" without credentials: reflecting every origin with credentials would let
     * any site act with a visitor's cookies. The API needs none (the token travels in a header), so only a
     * list of trusted origins is answered with credentials allowed.
     */
    static CorsConfig corsConfig(List<String> origins) {
        CorsConfigBuilder builder = origins.contains("*")
                ? CorsConfigBuilder.forAnyOrigin()
                : CorsConfigBuilder.forOrigins(origins.toArray(String[]::new)).allowCredentials();
        return builder
                .allowedRequestMethods(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
                        HttpMethod.DELETE, HttpMethod.OPTIONS)
                .allowedRequestHeaders("Authorization", "Content-Type", "Accept", "X-Requested-With")
                .maxAge(600)
                .build();
    }

    void install(Channel channel) {
        if (!connections.opened(channel)) {
            channel.pipeline()
                    .addLast("http-codec", new HttpServerCodec())
                    .addLast("http-headers", headers)
                    .addLast("cors", new CorsHandler(cors))
                    .addLast("server-full", new ServerFull());
            return;
        }
        HttpExchanges exchanges = new HttpExchanges(settings, bounds, accessLog, draining);
        OneRequestDecoder decoder = exchanges.decoder();
        channel.pipeline()
                .addLast("http-decoder", decoder)
                .addLast("http-encoder", new ResponseEncoder(decoder))
                .addLast("http-headers", headers)
                .addLast("http-exchanges", exchanges)
                .addLast("http-chunks", new ChunkedWriteHandler())
                .addLast("cors", new CorsHandler(cors))
                .addLast("http-gate", new BodyGate(bodyGate, exchanges))
                .addLast("http-bodies", new RequestBodies(bounds, budget, exchanges))
                .addLast("api", new HttpRequestHandler(api, webSocket, webClient));
    }

    /** Takes out what only HTTP needs; the decoder and encoder are the WebSocket handshake's to replace. */
    static void leaveHttp(ChannelPipeline pipeline) {
        for (String name : HTTP_ONLY) {
            if (pipeline.get(name) != null) {
                pipeline.remove(name);
            }
        }
    }

    int openConnections() {
        return connections.open();
    }

    long bodyBytesHeld() {
        return budget.held();
    }
}
