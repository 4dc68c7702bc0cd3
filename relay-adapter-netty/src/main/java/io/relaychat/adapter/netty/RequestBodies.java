package io.relaychat.adapter.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.relaychat.ports.model.Reason;
import io.relaychat.ports.model.Refusal;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Reads each request's body into one heap buffer and hands on the whole request, within three bounds: its
 * route's (a JSON route's, the upload's, or the small one of every other route), checked against Content-Length
 * before a byte of the body is read and against the running count for a chunked body; the node's
 * {@link BodyBudget}; and a route's own condition for reading the body at all (the upload's: a good token).
 * <p>
 * A body the budget cannot hold is answered 503 at once rather than waited for: a request waiting unread holds
 * its connection and its place, and slow senders holding the budget would make everyone else queue behind
 * them; the client is told when to come back. After any refusal the rest of the body is read and dropped (see
 * {@link HttpExchanges}, which closes the connection).
 */
final class RequestBodies extends ChannelInboundHandlerAdapter {
    static final String UPLOAD_PATH = "/api/upload";
    static final Duration BUSY_RETRY_AFTER = Duration.ofSeconds(1);
    private static final int INITIAL_CAPACITY = 8 * 1024;

    /** The largest body of each kind of route. */
    record Bounds(int json, int upload, int other) {
        int of(HttpRequest head) {
            HttpMethod method = head.method();
            if (isUpload(head)) {
                return upload;
            }
            if (method.equals(HttpMethod.POST) || method.equals(HttpMethod.PUT) || method.equals(HttpMethod.PATCH)) {
                return json;
            }
            return other == 0 ? json : other;
        }

        static boolean isUpload(HttpRequest head) {
            String uri = head.uri();
            int query = uri.indexOf('?');
            return head.method().equals(HttpMethod.POST) && (query < 0 ? uri : uri.substring(0, query)).equals(UPLOAD_PATH);
        }
    }

    /** What must hold before a route's body is read: null to read it at once, else a stage of the refusal or null. */
    @FunctionalInterface
    interface Gate {
        CompletionStage<Refusal> beforeBody(HttpRequest head);
    }

    private final Bounds bounds;
    private final BodyBudget budget;
    private final Gate gate;
    private final OneRequestDecoder decoder;
    private HttpRequest head;
    private ByteBuf body;
    private int bound;
    private HttpVersion version = HttpVersion.HTTP_1_1;
    private long taken;
    private boolean dropping;

    RequestBodies(Bounds bounds, BodyBudget budget, Gate gate, OneRequestDecoder decoder) {
        this.bounds = bounds;
        this.budget = budget;
        this.gate = gate;
        this.decoder = decoder;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request && request.decoderResult().isFailure()) {
            dropping = true;
            ctx.fireChannelRead(request instanceof FullHttpRequest full ? full : failed(request));
            return;
        }
        if (msg instanceof HttpRequest request) {
            begin(ctx, request);
        }
        if (msg instanceof HttpContent content) {
            receive(ctx, content);
        } else if (!(msg instanceof HttpRequest)) {
            ctx.fireChannelRead(msg);
        }
    }

    private void begin(ChannelHandlerContext ctx, HttpRequest request) {
        drop();
        dropping = false;
        version = request.protocolVersion();
        bound = bounds.of(request);
        long declared = HttpUtil.getContentLength(request, -1L);
        if (declared > bound) {
            refuse(ctx, Refusal.bodyTooLarge(bound));
            return;
        }
        head = request;
        CompletionStage<Refusal> check = gate.beforeBody(request);
        if (check == null) {
            admit(ctx, declared);
            return;
        }
        decoder.hold();
        ctx.channel().config().setAutoRead(false);
        check.whenComplete((refusal, error) -> ctx.executor().execute(() -> {
            if (head != request) {
                return; // the connection went away while the check ran
            }
            if (error != null || refusal != null) {
                refuse(ctx, error == null ? refusal : Refusal.internalError());
            } else {
                admit(ctx, declared);
            }
            decoder.release();
            ctx.channel().config().setAutoRead(true);
        }));
    }

    private void admit(ChannelHandlerContext ctx, long declared) {
        long expected = Math.max(declared, 0);
        if (!budget.tryTake(expected)) {
            refuse(ctx, busy());
            return;
        }
        taken = expected;
        body = Unpooled.buffer((int) Math.min(expected, INITIAL_CAPACITY), bound);
        if (HttpUtil.is100ContinueExpected(head)) {
            head.headers().remove(HttpHeaderNames.EXPECT);
            ctx.writeAndFlush(new DefaultFullHttpResponse(head.protocolVersion(), HttpResponseStatus.CONTINUE));
        }
    }

    private void receive(ChannelHandlerContext ctx, HttpContent content) {
        try {
            if (dropping || body == null) {
                return;
            }
            if (content.decoderResult().isFailure()) {
                refuse(ctx, Refusal.malformedRequest());
                return;
            }
            ByteBuf bytes = content.content();
            long total = (long) body.readableBytes() + bytes.readableBytes();
            if (total > bound) {
                refuse(ctx, Refusal.bodyTooLarge(bound));
                return;
            }
            if (total > taken) {
                if (!budget.tryTake(total - taken)) {
                    refuse(ctx, busy());
                    return;
                }
                taken = total;
            }
            body.writeBytes(bytes);
            if (content instanceof LastHttpContent last) {
                pass(ctx, last.trailingHeaders().copy());
            }
        } finally {
            content.release();
        }
    }

    private void pass(ChannelHandlerContext ctx, HttpHeaders trailers) {
        FullHttpRequest whole = new DefaultFullHttpRequest(head.protocolVersion(), head.method(), head.uri(), body,
                head.headers(), trailers);
        head = null;
        body = null;
        ctx.fireChannelRead(whole);
    }

    /** Answers now, with the status of the refusal's reason, and drops the rest of the body. */
    private void refuse(ChannelHandlerContext ctx, Refusal refusal) {
        drop();
        budget.giveBack(taken);
        taken = 0;
        dropping = true;
        FullHttpResponse response = RestErrors.refused(refusal).toHttp(version);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response);
    }

    private static Refusal busy() {
        return new Refusal(Reason.SERVER_BUSY, Refusal.serverBusy().message(), BUSY_RETRY_AFTER);
    }

    private static FullHttpRequest failed(HttpRequest request) {
        FullHttpRequest whole = new DefaultFullHttpRequest(request.protocolVersion(), request.method(), request.uri(),
                Unpooled.EMPTY_BUFFER, request.headers(), EmptyHttpHeaders.INSTANCE);
        whole.setDecoderResult(request.decoderResult());
        return whole;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == HttpExchanges.Event.ANSWERED) {
            budget.giveBack(taken);
            taken = 0;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        drop();
        budget.giveBack(taken);
        taken = 0;
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        drop();
        budget.giveBack(taken);
        taken = 0;
    }

    /** Lets go of a body being read; what it took from the budget goes back when its exchange ends. */
    private void drop() {
        if (body != null) {
            body.release();
            body = null;
        }
        head = null;
    }
}
