package io.relaychat.adapter.netty;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.relaychat.ports.model.Reason;
import io.relaychat.ports.model.Refusal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A connection past the node's limit ({@link ConnectionCount}): it holds a file descriptor the node does not
 * have to spare, so it gets {@link #LINGER} in all. Its first request is answered 503 {@code too_many_connections}
 * on its head, an upgrade to a WebSocket included, and the connection closes once that request has ended (what
 * it sends is read and dropped, so that the client reads the answer rather than a reset), or when its time is up,
 * whichever comes first.
 */
final class ServerFull extends ChannelInboundHandlerAdapter {
    /** Enough for a client to send its request and read the answer; too short to be worth holding for. */
    static final Duration LINGER = Duration.ofSeconds(1);
    /** A node full of connections is not going to empty within a second; the client should not hammer it. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    private static final Refusal FULL = new Refusal(Reason.TOO_MANY_CONNECTIONS,
            Refusal.tooManyConnectionsOnServer().message(), RETRY_AFTER);

    private boolean answered;
    private boolean written;
    private boolean ended;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            closeLater(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        closeLater(ctx);
        ctx.fireChannelActive();
    }

    private static void closeLater(ChannelHandlerContext ctx) {
        ctx.executor().schedule(() -> {
            ctx.close();
        }, LINGER.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest request && !answered) {
                answered = true;
                // The node itself is full, not the client over its share: 503, not the 429 of the reason.
                ctx.writeAndFlush(RestErrors.beforeTheBody(RestErrors.refused(FULL, HttpResponseStatus.SERVICE_UNAVAILABLE),
                        request.protocolVersion())).addListener((ChannelFutureListener) done -> {
                            written = true;
                            if (ended || !done.isSuccess()) {
                                ctx.close();
                            }
                        });
            }
            if (msg instanceof LastHttpContent || msg instanceof HttpRequest request && request.decoderResult().isFailure()) {
                ended = true;
                if (written) {
                    ctx.close();
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
