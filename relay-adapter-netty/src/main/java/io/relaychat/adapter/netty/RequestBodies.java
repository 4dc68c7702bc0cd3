package io.relaychat.adapter.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.relaychat.ports.model.Reason;
import io.relaychat.ports.model.Refusal;

import java.time.Duration;

/**
 * Reads each request's body into one heap buffer and hands on the whole request, within two bounds: its
 * route's ({@link BodyBounds}), checked against Content-Length as soon as the head arrives and against the
 * running count as the body does; and the node's {@link BodyBudget}, charged for each chunk as it arrives. A
 * client that sent {@code Expect: 100-continue} is told to go on once its head has passed; whether a body may
 * be read at all was decided before its head got here ({@link BodyGate}).
 * <p>
 * An upload's body is not buffered: the gate let it in with its {@link UploadReceiver}, which streams it to the
 * core as it arrives. The budget is then charged for what the receiver still holds (the bytes not yet written by
 * the store), and the socket waits while the store is behind; once the body has ended, the request is handed on
 * without content, carrying the upload's outcome ({@link UploadReceiver.Request}).
 * <p>
 * A chunk the budget cannot hold is answered 503 at once rather than waited for: a request waiting unread holds
 * its connection and its place, and slow senders holding the budget would make everyone else queue behind
 * them; the client is told when to come back. A refused body is answered before it has ended, so the connection
 * closes once {@link HttpExchanges} has read and dropped the rest of it.
 */
final class RequestBodies extends ChannelInboundHandlerAdapter {
    static final Duration BUSY_RETRY_AFTER = Duration.ofSeconds(1);
    private static final int INITIAL_CAPACITY = 8 * 1024;

    private final BodyBounds bounds;
    private final BodyBudget budget;
    private final HttpExchanges exchanges;
    private HttpRequest head;
    /** The upload being streamed (instead of {@link #body}), until its exchange ends. */
    private UploadReceiver upload;
    private long received;
    private boolean waitingForStore;
    private ByteBuf body;
    private int bound;
    private HttpVersion version = HttpVersion.HTTP_1_1;
    /** What the bodies of this connection hold of the budget: the one being read, or the one being answered. */
    private long taken;

    RequestBodies(BodyBounds bounds, BodyBudget budget, HttpExchanges exchanges) {
        this.bounds = bounds;
        this.budget = budget;
        this.exchanges = exchanges;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request && request.decoderResult().isFailure()) {
            drop();
            ctx.fireChannelRead(request instanceof FullHttpRequest full ? full : failed(request));
            return;
        }
        if (msg instanceof BodyGate.Admitted admitted) {
            begin(ctx, admitted.head(), admitted.upload());
            return;
        }
        if (msg instanceof HttpRequest request) {
            begin(ctx, request, null);
        }
        if (msg instanceof HttpContent content) {
            receive(ctx, content);
        } else if (!(msg instanceof HttpRequest)) {
            ctx.fireChannelRead(msg);
        }
    }

    private void begin(ChannelHandlerContext ctx, HttpRequest request, UploadReceiver streamed) {
        drop();
        version = request.protocolVersion();
        bound = bounds.of(request);
        received = 0;
        long declared = HttpUtil.getContentLength(request, -1L);
        if (declared > bound) {
            if (streamed != null) {
                streamed.abort();
            }
            refuse(ctx, Refusal.bodyTooLarge(bound));
            return;
        }
        head = request;
        if (streamed != null) {
            upload = streamed;
            streamed.start(ctx, request, this::uploadChanged);
        } else {
            body = Unpooled.buffer((int) Math.min(Math.max(declared, 0), INITIAL_CAPACITY), bound);
        }
        if (HttpUtil.is100ContinueExpected(request)) {
            request.headers().remove(HttpHeaderNames.EXPECT);
            ctx.writeAndFlush(new DefaultFullHttpResponse(version, HttpResponseStatus.CONTINUE));
        }
    }

    private void receive(ChannelHandlerContext ctx, HttpContent content) {
        try {
            if (head == null) {
                return; // the request was answered without its body (a CORS preflight), or refused
            }
            if (content.decoderResult().isFailure()) {
                refuse(ctx, Refusal.malformedRequest());
                return;
            }
            ByteBuf bytes = content.content();
            int arrived = bytes.readableBytes();
            if (received + arrived > bound) {
                refuse(ctx, Refusal.bodyTooLarge(bound));
                return;
            }
            if (!budget.tryTake(arrived, taken)) {
                refuse(ctx, busy());
                return;
            }
            received += arrived;
            taken += arrived;
            if (upload != null) {
                upload.offer(bytes);
                uploadChanged(upload);
            } else {
                body.writeBytes(bytes);
            }
            if (content instanceof LastHttpContent last) {
                pass(ctx, last.trailingHeaders().copy());
            }
        } finally {
            content.release();
        }
    }

    private void pass(ChannelHandlerContext ctx, HttpHeaders trailers) {
        FullHttpRequest whole;
        if (upload != null) {
            upload.end();
            whole = new UploadReceiver.Request(head, trailers, upload);
        } else {
            whole = new DefaultFullHttpRequest(head.protocolVersion(), head.method(), head.uri(), body,
                    head.headers(), trailers);
        }
        head = null;
        body = null;
        ctx.fireChannelRead(whole);
    }

    /**
     * What the upload holds is what its body holds of the budget: bytes the store has written go back at once.
     * While the store is behind, the socket waits for it.
     */
    private void uploadChanged(UploadReceiver changed) {
        if (changed != upload) {
            return; // an upload let go of already: what it held went back then
        }
        long held = changed.held();
        if (held < taken) {
            budget.giveBack(taken - held);
            taken = held;
        }
        waitForStore(changed.behind());
    }

    private void waitForStore(boolean wait) {
        if (wait != waitingForStore) {
            waitingForStore = wait;
            if (wait) {
                exchanges.pause(HttpExchanges.Pause.STORE_BEHIND);
            } else {
                exchanges.resume(HttpExchanges.Pause.STORE_BEHIND);
            }
        }
    }

    /** Answers now, with the status of the refusal's reason; what the body held goes back to the budget. */
    private void refuse(ChannelHandlerContext ctx, Refusal refusal) {
        drop();
        budget.giveBack(taken);
        taken = 0;
        ctx.writeAndFlush(RestErrors.beforeTheBody(RestErrors.refused(refusal), version));
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
            upload = null;
            waitForStore(false);
            budget.giveBack(taken);
            taken = 0;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        letGo();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        letGo();
    }

    private void letGo() {
        drop();
        if (upload != null) {
            upload.abort();
            upload = null;
        }
        budget.giveBack(taken);
        taken = 0;
    }

    /**
     * Lets go of a body being read; what it took from the budget goes back when its exchange ends. An upload
     * being read is given up on (nothing of it is kept); one whose body has ended is being answered, and is left
     * to finish.
     */
    private void drop() {
        if (body != null) {
            body.release();
            body = null;
        }
        if (upload != null && head != null) {
            upload.abort();
            uploadChanged(upload);
        }
        head = null;
    }
}
