package io.relaychat.adapter.netty;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cors.CorsHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.relaychat.ports.in.RelayUseCases;
import io.relaychat.ports.model.InvalidCommandException;
import io.relaychat.ports.model.StorageUnavailableException;
import io.relaychat.ports.model.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * Answers HTTP requests on one connection, one at a time, and upgrades {@code /api/ws} to a WebSocket.
 * Use cases complete on other threads; reading pauses until the answer is written, so responses
 * never overtake each other and nothing here waits on the event loop.
 */
final class HttpRequestHandler extends ChannelInboundHandlerAdapter {
    static final String WEBSOCKET_PATH = "/api/ws";
    private static final Logger log = LoggerFactory.getLogger(HttpRequestHandler.class);

    private final RelayUseCases core;
    private final RestApi api;
    private final TransportSettings settings;
    private final ChannelGroup webSockets;

    HttpRequestHandler(RelayUseCases core, RestApi api, TransportSettings settings, ChannelGroup webSockets) {
        this.core = core;
        this.api = api;
        this.settings = settings;
        this.webSockets = webSockets;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest received)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ctx.channel().config().setAutoRead(false);
        if (!received.decoderResult().isSuccess()) {
            respond(ctx, received, ApiResponse.error(HttpResponseStatus.BAD_REQUEST, "Malformed HTTP request"));
            return;
        }
        FullHttpRequest request = onHeap(received);
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        if (uri.path().equals(WEBSOCKET_PATH) && request.method().equals(HttpMethod.GET)) {
            upgrade(ctx, request, uri);
            return;
        }
        if (!uri.path().equals("/api/upload") && request.content().readableBytes() > settings.maxJsonBytes()) {
            respond(ctx, request, ApiResponse.error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "Request body too large: the limit is " + settings.maxJsonBytes() + " bytes"));
            return;
        }
        List<String> params = new ArrayList<>();
        Function<ApiRequest, CompletionStage<ApiResponse>> route = api.resolve(request.method(), uri.path(), params);
        CompletionStage<ApiResponse> answer;
        try {
            answer = route.apply(new ApiRequest(request, uri, params));
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((response, error) ->
                respond(ctx, request, error == null ? response : failure(error, request)));
    }

    /**
     * A copy of the request on the heap, releasing Netty's pooled buffers at once. Requests are answered
     * asynchronously, and an answer that never comes (a store that hangs, a server stopping) must not
     * leave a pooled buffer behind; one copy of a body of at most the upload limit is cheap by comparison.
     */
    private static FullHttpRequest onHeap(FullHttpRequest received) {
        try {
            return new DefaultFullHttpRequest(received.protocolVersion(), received.method(), received.uri(),
                    Unpooled.wrappedBuffer(ByteBufUtil.getBytes(received.content())), received.headers().copy(),
                    received.trailingHeaders().copy());
        } finally {
            received.release();
        }
    }

    /** Maps a failure to its answer; anything unexpected is logged and answered 500 without details. */
    static ApiResponse failure(Throwable error, Object context) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof ApiException api) {
            ApiResponse response = ApiResponse.error(api.status(), api.getMessage());
            return api.status().equals(HttpResponseStatus.UNAUTHORIZED)
                    ? response.withHeader(HttpHeaderNames.WWW_AUTHENTICATE.toString(), "Bearer")
                    : response;
        }
        if (cause instanceof InvalidCommandException invalid) {
            return ApiResponse.error(HttpResponseStatus.UNPROCESSABLE_ENTITY, invalid.getMessage());
        }
        if (cause instanceof StorageUnavailableException) {
            log.warn("storage unavailable: {}", cause.getMessage());
            return ApiResponse.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "Service unavailable: storage is unreachable");
        }
        if (cause instanceof RejectedExecutionException) {
            return ApiResponse.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "Server busy, try again shortly");
        }
        log.error("request failed: {}", context, cause);
        return ApiResponse.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "Internal Server Error");
    }

    private void respond(ChannelHandlerContext ctx, FullHttpRequest request, ApiResponse response) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        request.release();
        if (ctx.executor().isShuttingDown()) {
            return; // the server is stopping and this connection with it: nobody is left to answer
        }
        FullHttpResponse http = new DefaultFullHttpResponse(request.protocolVersion(), response.status(),
                Unpooled.wrappedBuffer(response.body()));
        http.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
        http.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.body().length);
        response.headers().forEach(http.headers()::set);
        if (keepAlive) {
            http.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        } else {
            http.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ctx.writeAndFlush(http).addListener((ChannelFutureListener) written -> {
            if (!keepAlive || !written.isSuccess()) {
                written.channel().close();
            } else {
                written.channel().config().setAutoRead(true);
            }
        });
    }

    /**
     * Authenticates the token first, off the event loop, then completes the handshake. A bad token still
     * gets the handshake, followed at once by close 1008, which is how browsers can see the reason.
     */
    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri) {
        List<String> tokens = uri.parameters().get("token");
        String token = tokens == null || tokens.isEmpty() ? new ApiRequest(request, uri, List.of()).bearerToken()
                : tokens.get(0);
        core.authenticate().authenticate(token).whenComplete((user, error) -> ctx.executor().execute(() -> {
            try {
                handshake(ctx, request, error == null ? user.orElse(null) : null,
                        error == null ? null : unavailable(error));
            } finally {
                request.release();
            }
        }));
    }

    /** The token could not be checked (not: was wrong): the client should come back, not log in again. */
    private static CloseWebSocketFrame unavailable(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (!(cause instanceof StorageUnavailableException)) {
            log.error("WebSocket authentication failed", cause);
        }
        return new CloseWebSocketFrame(WebSocketCloseStatus.TRY_AGAIN_LATER.code(), "Try again later: service unavailable");
    }

    /** Completes the handshake, then either starts the session or, with no user, closes with {@code refusal}. */
    private void handshake(ChannelHandlerContext ctx, FullHttpRequest request, User user, CloseWebSocketFrame refusal) {
        String location = "ws://" + request.headers().get(HttpHeaderNames.HOST, "localhost") + WEBSOCKET_PATH;
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(location, null, true,
                settings.maxFrameBytes()).newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        handshaker.handshake(ctx.channel(), request).addListener((ChannelFutureListener) done -> {
            if (!done.isSuccess()) {
                done.channel().close();
                return;
            }
            if (user == null) {
                CloseWebSocketFrame close = refusal != null ? refusal
                        : new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION.code(), "Authentication failed");
                done.channel().writeAndFlush(close).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            if (ctx.pipeline().get(CorsHandler.class) != null) {
                ctx.pipeline().remove(CorsHandler.class);
            }
            ctx.pipeline().replace(this, "websocket", new WebSocketSession(core.chat(), user, handshaker, settings));
            webSockets.add(done.channel());
            done.channel().config().setAutoRead(true);
        });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("HTTP connection failed", cause);
        ctx.close();
    }
}
