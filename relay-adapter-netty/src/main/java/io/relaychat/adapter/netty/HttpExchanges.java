package io.relaychat.adapter.netty;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The exchanges of one HTTP connection, one after another: a request is read within the deadline of each
 * phase (its head, each read of its body, the wait for it on a kept-alive connection), the socket is not read
 * while it is answered, the answer must be written out within its own deadline, and only then is the next
 * request let in. A deadline that passes closes the connection: whoever holds a connection without sending
 * or reading holds a socket and its buffers, and gets nothing back for it.
 * <p>
 * Every answer on this pipeline is one {@link FullHttpResponse}; its Connection header says whether the
 * connection goes on. An answer written before the request was whole (a refused body) and saying close leaves
 * the connection open a moment longer, reading and dropping the rest, so the client reads the answer rather
 * than a reset.
 */
final class HttpExchanges extends ChannelDuplexHandler {
    /** Told downstream once an answer is written and the connection goes on: what the request held may go. */
    enum Event { ANSWERED }

    static final long DRAIN_MILLIS = 1000;

    private enum Phase { WAITING, HEAD, BODY, ANSWERING }

    private final OneRequestDecoder decoder = new OneRequestDecoder(this::bytesArrived);
    private final long headNanos;
    private final long bodyNanos;
    private final long keepAliveNanos;
    private final long writeNanos;
    private ChannelHandlerContext ctx;
    private Phase phase = Phase.WAITING;
    private boolean fresh = true;
    private long since;
    private ScheduledFuture<?> deadline;
    private boolean closeWhenRequestEnds;
    private boolean answeredBeforeItEnded;

    HttpExchanges(TransportSettings settings) {
        this.headNanos = settings.headTimeout().toNanos();
        this.bodyNanos = settings.bodyReadTimeout().toNanos();
        this.keepAliveNanos = settings.keepAliveTimeout().toNanos();
        this.writeNanos = settings.writeTimeout().toNanos();
    }

    /** The decoder that goes before this handler: it lets requests in only as this handler says. */
    OneRequestDecoder decoder() {
        return decoder;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            enter(Phase.WAITING);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        enter(Phase.WAITING);
        ctx.fireChannelActive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelDeadline();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelDeadline();
        ctx.fireChannelInactive();
    }

    /** From the decoder: the first byte of a request starts its head's clock; any byte of a body is progress. */
    private void bytesArrived() {
        if (phase == Phase.WAITING) {
            enter(Phase.HEAD);
        } else if (phase == Phase.BODY) {
            since = now();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        boolean whole = msg instanceof LastHttpContent
                || msg instanceof HttpRequest request && request.decoderResult().isFailure();
        if (msg instanceof HttpRequest && phase != Phase.ANSWERING) {
            fresh = false;
            enter(Phase.BODY);
        } else if (msg instanceof HttpContent && phase == Phase.BODY) {
            since = now();
        }
        if (whole && !closeWhenRequestEnds) {
            enter(Phase.ANSWERING);
            ctx.channel().config().setAutoRead(false);
        }
        ctx.fireChannelRead(msg);
        if (whole && closeWhenRequestEnds) {
            ctx.close();
        } else if (whole && answeredBeforeItEnded) {
            answeredBeforeItEnded = false;
            goOn();
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof FullHttpResponse response && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
            boolean keepAlive = HttpUtil.isKeepAlive(response);
            ScheduledFuture<?> tooSlow = writeNanos == 0 ? null
                    : ctx.executor().schedule(() -> {
                        ctx.close();
                    }, writeNanos, TimeUnit.NANOSECONDS);
            promise = promise.unvoid();
            promise.addListener(written -> {
                if (tooSlow != null) {
                    tooSlow.cancel(false);
                }
                if (written.isSuccess()) {
                    answered(keepAlive);
                } else {
                    ctx.close();
                }
            });
        }
        ctx.write(msg, promise);
    }

    /**
     * An answer may be written before its request has ended: a CORS preflight is answered on its head, a refused
     * body before it is read. The connection then goes on, or closes, once the request has ended.
     */
    private void answered(boolean keepAlive) {
        if (!keepAlive) {
            if (phase == Phase.ANSWERING) {
                ctx.close();
            } else {
                closeWhenRequestEnds = true;
                ctx.executor().schedule(() -> {
                    ctx.close();
                }, DRAIN_MILLIS, TimeUnit.MILLISECONDS);
            }
        } else if (phase == Phase.ANSWERING) {
            goOn();
        } else {
            answeredBeforeItEnded = true;
        }
    }

    private void goOn() {
        ctx.fireUserEventTriggered(Event.ANSWERED);
        // A task of its own: the answer may have been written from inside the decoder's own read.
        ctx.executor().execute(this::next);
    }

    private void next() {
        if (ctx.isRemoved() || !ctx.channel().isActive()) {
            return;
        }
        enter(Phase.WAITING);
        decoder.next();
        if (phase != Phase.ANSWERING) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void enter(Phase next) {
        phase = next;
        since = now();
        cancelDeadline();
        long timeout = timeout(next);
        if (timeout > 0) {
            deadline = ctx.executor().schedule(this::check, timeout, TimeUnit.NANOSECONDS);
        }
    }

    /** Closes once the phase's time is up; progress on a body moved its clock, so the check may come again. */
    private void check() {
        long timeout = timeout(phase);
        if (timeout == 0) {
            return;
        }
        long left = timeout - (now() - since);
        if (left <= 0) {
            ctx.close();
        } else {
            deadline = ctx.executor().schedule(this::check, left, TimeUnit.NANOSECONDS);
        }
    }

    private long timeout(Phase of) {
        return switch (of) {
            case WAITING -> fresh ? headNanos : keepAliveNanos;
            case HEAD -> headNanos;
            case BODY -> bodyNanos;
            case ANSWERING -> 0;
        };
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private long now() {
        return ctx.executor().ticker().nanoTime();
    }
}
