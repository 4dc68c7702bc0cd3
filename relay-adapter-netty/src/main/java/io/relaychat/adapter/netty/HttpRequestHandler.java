package io.relaychat.adapter.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.relaychat.ports.model.Refusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Answers each whole HTTP request (a route of the REST API, or the web client's page and files when there is one)
 * and hands {@code /api/ws} to the WebSocket upgrade. Use cases complete on other threads and nothing here waits on
 * the event loop; when to read the next request, and when to close, is {@link HttpExchanges}' business, told by the
 * Connection header.
 */
final class HttpRequestHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(HttpRequestHandler.class);

    private final RestApi api;
    private final WebSocketUpgrade webSocket;
    private final WebClientRoutes webClient;

    HttpRequestHandler(RestApi api, WebSocketUpgrade webSocket, WebClientRoutes webClient) {
        this.api = api;
        this.webSocket = webSocket;
        this.webClient = webClient;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (!request.decoderResult().isSuccess()) {
            respond(ctx, request, RestErrors.refused(Refusal.malformedRequest()), false);
            return;
        }
        String path;
        Map<String, List<String>> query;
        try {
            path = RestApi.routedPath(request.uri());
            query = new QueryStringDecoder(request.uri()).parameters();
        } catch (IllegalArgumentException badEscape) {
            respond(ctx, request, RestErrors.refused(Refusal.malformedRequest()), false);
            return;
        }
        if (path.equals(WebSocketUpgrade.PATH) && request.method().equals(HttpMethod.GET)) {
            webSocket.upgrade(ctx, request, webSocketToken(request, query));
            return;
        }
        if (webClient.owns(path)) {
            respond(ctx, request, webClient.answer(request.method(), path), true);
            return;
        }
        List<String> params = new ArrayList<>();
        Function<ApiRequest, CompletionStage<ApiResponse>> route = api.resolve(request.method(), path, params);
        CompletionStage<ApiResponse> answer;
        try {
            answer = route.apply(new ApiRequest(request, query, params, ctx.channel()));
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        String requestLine = request.method() + " " + path;
        answer.whenComplete((response, error) ->
                respond(ctx, request, error == null ? response : RestErrors.failed(error, requestLine), true));
    }

    /** Browsers cannot set headers on a WebSocket, so the token comes in the query; other clients may use the header. */
    private static String webSocketToken(FullHttpRequest request, Map<String, List<String>> query) {
        List<String> tokens = query.get("token");
        return tokens == null || tokens.isEmpty() ? ApiRequest.bearerToken(request.headers()) : tokens.get(0);
    }

    /**
     * The request's body is on the heap (see {@link RequestBodies}), so an answer that never comes leaks nothing. A
     * stored file goes out a chunk at a time as the client reads it ({@link BlobChunks}), never whole.
     */
    private void respond(ChannelHandlerContext ctx, FullHttpRequest request, ApiResponse response, boolean mayKeepAlive) {
        boolean keepAlive = mayKeepAlive && HttpUtil.isKeepAlive(request);
        HttpVersion version = request.protocolVersion();
        request.release();
        if (ctx.executor().isShuttingDown()) {
            if (response.stream() != null) {
                response.stream().close();
            }
            return; // the server is stopping and this connection with it: nobody is left to answer
        }
        CharSequence connection = keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE;
        if (response.stream() != null) {
            HttpResponse head = response.streamedHead(version);
            head.headers().set(HttpHeaderNames.CONNECTION, connection);
            ctx.write(head);
            ctx.writeAndFlush(new HttpChunkedInput(new BlobChunks(response.stream(), ctx)));
            return;
        }
        FullHttpResponse http = response.toHttp(version);
        http.headers().set(HttpHeaderNames.CONNECTION, connection);
        ctx.writeAndFlush(http);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("HTTP connection failed: {}", LogSafe.text(cause.toString()));
        ctx.close();
    }
}
