package io.relaychat.adapter.netty;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.relaychat.ports.model.Refusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Answers HTTP requests on one connection, one at a time, and hands {@code /api/ws} to the WebSocket
 * upgrade. Use cases complete on other threads; reading pauses until the answer is written, so responses
 * never overtake each other and nothing here waits on the event loop.
 */
final class HttpRequestHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(HttpRequestHandler.class);
    private static final String UPLOAD_PATH = "/api/upload";

    private final RestApi api;
    private final WebSocketUpgrade webSocket;
    private final int maxJsonBytes;

    HttpRequestHandler(RestApi api, WebSocketUpgrade webSocket, int maxJsonBytes) {
        this.api = api;
        this.webSocket = webSocket;
        this.maxJsonBytes = maxJsonBytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest received)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ctx.channel().config().setAutoRead(false);
        if (!received.decoderResult().isSuccess()) {
            respond(ctx, received, RestErrors.refused(Refusal.malformedRequest()));
            return;
        }
        FullHttpRequest request = onHeap(received);
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        if (uri.path().equals(WebSocketUpgrade.PATH) && request.method().equals(HttpMethod.GET)) {
            webSocket.upgrade(ctx, request, webSocketToken(request, uri));
            return;
        }
        // Uploads are bounded by the aggregator and the uploads use case; everything else is JSON.
        if (!uri.path().equals(UPLOAD_PATH) && request.content().readableBytes() > maxJsonBytes) {
            respond(ctx, request, RestErrors.refused(Refusal.bodyTooLarge(maxJsonBytes)));
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
        String requestLine = request.method() + " " + uri.path();
        answer.whenComplete((response, error) ->
                respond(ctx, request, error == null ? response : RestErrors.failed(error, requestLine)));
    }

    /** Browsers cannot set headers on a WebSocket, so the token comes in the query; other clients may use the header. */
    private static String webSocketToken(FullHttpRequest request, QueryStringDecoder uri) {
        List<String> tokens = uri.parameters().get("token");
        return tokens == null || tokens.isEmpty() ? new ApiRequest(request, uri, List.of()).bearerToken() : tokens.get(0);
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

    private void respond(ChannelHandlerContext ctx, FullHttpRequest request, ApiResponse response) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        request.release();
        if (ctx.executor().isShuttingDown()) {
            return; // the server is stopping and this connection with it: nobody is left to answer
        }
        FullHttpResponse http = response.toHttp(request.protocolVersion());
        http.headers().set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(http).addListener((ChannelFutureListener) written -> {
            if (!keepAlive || !written.isSuccess()) {
                written.channel().close();
            } else {
                written.channel().config().setAutoRead(true);
            }
        });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("HTTP connection failed", cause);
        ctx.close();
    }
}
