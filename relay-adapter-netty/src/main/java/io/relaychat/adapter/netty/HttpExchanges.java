package io.relaychat.adapter.netty;

import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.function.BooleanSupplier;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The exchanges of one HTTP connection, one after another (the next request is let in only once the answer to
 * the one before is written), and the one owner of whether its socket is read.
 * <p>
 * Each phase has its deadline: a request's head must be whole within its time; each read of its body must come
 * within the read timeout of the one before, and the body as a whole keep up a minimum rate; the server's own
 * work on a request (a body on hold while its token is checked, a whole request waiting for its answer) has a
 * generous safety deadline; an answer being written must keep moving, some of it leaving for the client within
 * each write timeout; a kept-alive connection waits so long for its next request. A deadline that passes closes
 * the connection: whoever holds a connection without sending or reading holds a socket and its buffers, and gets
 * nothing back for it.
 * <p>
 * Reading: the socket is read while no {@link Pause} holds, and only this handler switches it; others ask it
 * ({@link #pause}, {@link #resume}). While a request is answered, nothing is read: what a client can pile up is
 * the bytes of one read. While a body is on hold, it is neither read nor decoded.
 * <p>
 * Every answer on this pipeline is one {@link FullHttpResponse}, or a head followed by its content up to a
 * {@link LastHttpContent} (a file, streamed in chunks); its Connection header says whether the connection goes
 * on, and the write timeout watches it from its head to its end. An answer written before its request has ended
 * (a refused body) leaves the connection reading the rest of the body and dropping it, never holding it, for as
 * long as it keeps coming (the body's deadlines still hold) up to {@link #DRAIN_AT_LEAST_BYTES} or the route's
 * bound, whichever is larger; the connection then closes once the client has sent all it declared, so that it
 * reads the answer rather than a reset.
 * <p>
 * Once an answer is written (or its writing failed), its request goes to the {@link AccessLog}: status, time from
 * the first byte of the head to the last of the answer, body bytes each way.
 */
final class HttpExchanges extends ChannelDuplexHandler {
    /** Told downstream once an answer is written and the connection goes on: what the request held may go. */
    enum Event { ANSWERED }

    /** Why the socket is not read. */
    enum Pause {
        /** A body is on hold until a check decides whether it may be read: not read, not decoded either. */
        BODY_ON_HOLD,
        /** A request is whole and being answered. */
        ANSWERING,
        /** An upload's store is behind its body: the socket waits for it, the body already decoded goes on. */
        STORE_BEHIND
    }

    /** The least of a refused body read and dropped before the connection gives up on it and closes. */
    static final long DRAIN_AT_LEAST_BYTES = 4L * 1024 * 1024;
    /** How long a new connection may stay silent once the node drains. */
    static final Duration FIRST_REQUEST_WHILE_DRAINING = Duration.ofSeconds(1);
    /** How often an answer being written is looked at, in parts of the write timeout. */
    private static final int WRITE_CHECKS_PER_TIMEOUT = 10;

    private enum Phase { WAITING, HEAD, BODY, HELD, ANSWERING, WRITING }

    private final OneRequestDecoder decoder = new OneRequestDecoder(this::bytesArrived);
    private final BodyBounds bounds;
    private final AccessLog accessLog;
    private final long headNanos;
    private final long bodyNanos;
    private final long keepAliveNanos;
    private final long writeNanos;
    private final long answerNanos;
    private final long rateWindowNanos;
    private final long minBytesPerWindow;
    private final Set<Pause> pauses = EnumSet.noneOf(Pause.class);
    private ChannelHandlerContext ctx;
    private Phase phase = Phase.WAITING;
    private boolean fresh = true;
    private long since;
    private ScheduledFuture<?> deadline;

    /** The request under way, from its head to its answer. */
    private HttpRequest head;
    private boolean ended;
    /** Answered before it ended: the rest of its body is read only to be dropped. */
    private boolean early;
    private long drainLimit;
    private long bodyBytes;
    private boolean written;
    private boolean goesOn;
    /** The node is stopping: the request under way is answered, with Connection: close, and no other is read. */
    private boolean draining;
    private final BooleanSupplier stopping;

    /** For the access log: when the request under way began (0: not yet), its answer's status and body bytes. */
    private long requestStart;
    private int answerStatus;
    private long answerBytes;
    private boolean logged;

    private ScheduledFuture<?> rateCheck;
    private long windowEnd;
    private long windowBytes;
    private boolean graceOver;

    private boolean writing;
    /** While an answer streamed after its head is being written: whether the connection goes on after it. */
    private Boolean streamedKeepAlive;
    private ScheduledFuture<?> writeCheck;
    private long nextWriteCheck;
    private long lastWriteProgress;
    private int outCurrent;
    private long outProgress;
    private long outPending;

    /**
     * {@code stopping}: whether the transport has begun to stop. Answers say {@code Connection: close} from that
     * moment, not only once the drain's event has reached this connection: a request finished in between is the
     * connection's last too.
     */
    HttpExchanges(TransportSettings settings, BodyBounds bounds, AccessLog accessLog, BooleanSupplier stopping) {
        this.stopping = stopping;
        this.bounds = bounds;
        this.accessLog = accessLog;
        this.headNanos = settings.headTimeout().toNanos();
        this.bodyNanos = settings.bodyReadTimeout().toNanos();
        this.keepAliveNanos = settings.keepAliveTimeout().toNanos();
        this.writeNanos = settings.writeTimeout().toNanos();
        this.answerNanos = settings.answerTimeout().toNanos();
        this.rateWindowNanos = TransportSettings.BODY_RATE_WINDOW.toNanos();
        this.minBytesPerWindow = settings.minBodyBytesPerSecond() * TransportSettings.BODY_RATE_WINDOW.toSeconds();
    }

    /** The decoder that goes before this handler: it lets requests in only as this handler says. */
    OneRequestDecoder decoder() {
        return decoder;
    }

    /** Stops reading the socket for {@code reason} (and, for a body on hold, decoding it) until {@link #resume}. */
    void pause(Pause reason) {
        if (!pauses.add(reason)) {
            return;
        }
        if (reason == Pause.BODY_ON_HOLD) {
            decoder.hold();
        }
        if (reason != Pause.ANSWERING && phase == Phase.BODY) {
            enter(Phase.HELD); // the server's time now, not the client's
        }
        applyReading();
    }

    /** Lifts {@code reason}; the socket is read again once no other holds. Not from inside a decode. */
    void resume(Pause reason) {
        if (!pauses.remove(reason)) {
            return;
        }
        if (reason != Pause.ANSWERING && phase == Phase.HELD
                && !pauses.contains(Pause.BODY_ON_HOLD) && !pauses.contains(Pause.STORE_BEHIND)) {
            enterBody();
        }
        if (reason == Pause.BODY_ON_HOLD) {
            decoder.release();
        }
        applyReading();
    }

    private void applyReading() {
        ChannelConfig config = ctx.channel().config();
        boolean read = pauses.isEmpty();
        if (config.isAutoRead() != read) {
            config.setAutoRead(read);
        }
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

    /**
     * The node is stopping ({@link ConnectionDrain}). A kept-alive connection waiting for its next request closes
     * now; a request under way is answered first, then the connection closes. A connection that has not sent its
     * first request yet may have it on the way: it is given {@link #FIRST_REQUEST_WHILE_DRAINING} for its first
     * byte, not its whole head timeout, so that a browser's idle pre-opened socket does not hold up the stop.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event != ConnectionDrain.Event.DRAIN) {
            ctx.fireUserEventTriggered(event);
            return;
        }
        draining = true;
        if (phase != Phase.WAITING) {
            return;
        }
        if (!fresh) {
            ctx.close();
            return;
        }
        if (headNanos > 0 && headNanos <= FIRST_REQUEST_WHILE_DRAINING.toNanos()) {
            return; // its own head timeout is the shorter
        }
        cancelDeadline();
        deadline = ctx.executor().schedule(() -> {
            if (phase == Phase.WAITING) {
                ctx.close();
            }
        }, FIRST_REQUEST_WHILE_DRAINING.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stopClocks();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stopClocks();
        ctx.fireChannelInactive();
    }

    /** From the decoder: the first byte of a request starts its head's clock; any byte of a body is progress. */
    private void bytesArrived() {
        if (phase == Phase.WAITING) {
            requestStart = now();
            enter(Phase.HEAD);
        } else if (phase == Phase.BODY) {
            since = now();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            begin(request);
        }
        boolean last = msg instanceof LastHttpContent
                || msg instanceof HttpRequest request && request.decoderResult().isFailure();
        if (msg instanceof HttpContent content) {
            int bytes = content.content().readableBytes();
            bodyBytes += bytes;
            windowBytes += bytes;
        }
        boolean ending = last && !ended; // (a request refused before it was told to continue ended already)
        if (ending) {
            ended = true;
            pause(Pause.ANSWERING);
            enter(early ? Phase.WRITING : Phase.ANSWERING);
        }
        if (early) {
            ReferenceCountUtil.release(msg);
            if (ending) {
                finishIfDone();
            } else if (bodyBytes > drainLimit) {
                ctx.close(); // more than is worth reading for the client's sake
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private void begin(HttpRequest request) {
        head = request;
        ended = false;
        early = false;
        written = false;
        bodyBytes = 0;
        fresh = false;
        if (requestStart == 0) {
            requestStart = now(); // let in from what the decoder already held: no byte arrived for it
        }
        answerStatus = 0;
        answerBytes = 0;
        logged = false;
        AccessLog.forget(ctx.channel());
        enterBody();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (streamedKeepAlive != null && msg instanceof LastHttpContent && !(msg instanceof HttpResponse)) {
            // The end of an answer streamed after its head: written once this is.
            boolean keepAlive = streamedKeepAlive;
            streamedKeepAlive = null;
            answerBytes += ((LastHttpContent) msg).content().readableBytes();
            promise = promise.unvoid();
            promise.addListener(done -> written(done.isSuccess(), keepAlive));
            ctx.write(msg, promise);
            return;
        }
        if (!(msg instanceof HttpResponse response) || response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
            if (streamedKeepAlive != null && msg instanceof HttpContent chunk) {
                answerBytes += chunk.content().readableBytes();
            }
            ctx.write(msg, promise);
            return;
        }
        answerStatus = response.status().code();
        if (response instanceof FullHttpResponse full) {
            answerBytes += full.content().readableBytes();
        }
        if (draining || stopping.getAsBoolean()) {
            draining = true;
            HttpUtil.setKeepAlive(response, false);
        }
        boolean keepAlive = HttpUtil.isKeepAlive(response);
        if (!ended && head != null && HttpUtil.is100ContinueExpected(head)) {
            // Refused before it was told to go on: the client sends no body, so there is nothing left to read.
            ended = true;
            early = true;
            drainLimit = 0;
            pause(Pause.ANSWERING);
            enter(Phase.WRITING);
        } else if (!ended) {
            early = true;
            drainLimit = Math.max(head == null ? 0 : bounds.of(head), DRAIN_AT_LEAST_BYTES);
        } else if (phase == Phase.ANSWERING) {
            enter(Phase.WRITING);
        }
        writing = true;
        promise = promise.unvoid();
        if (response instanceof FullHttpResponse) {
            promise.addListener(done -> written(done.isSuccess(), keepAlive));
        } else {
            streamedKeepAlive = keepAlive; // its content follows (a file, in chunks); watched as one answer
            promise.addListener(done -> {
                if (!done.isSuccess()) {
                    written(false, keepAlive);
                }
            });
        }
        ctx.write(msg, promise);
        if (writing) {
            watchWrite();
        }
    }

    private void written(boolean success, boolean keepAlive) {
        stopWatchingWrite();
        if (!logged && head != null) {
            logged = true;
            accessLog.http(ctx.channel(), head, answerStatus, now() - requestStart, bodyBytes, answerBytes, success);
        }
        if (!success) {
            ctx.close();
            return;
        }
        written = true;
        goesOn = keepAlive;
        finishIfDone();
    }

    /**
     * Once a request has both ended and been answered, the connection closes or lets the next one in. An answer
     * may be written before its request has ended: a CORS preflight is answered on its head, a refused body
     * before it is read.
     */
    private void finishIfDone() {
        if (!written || !ended) {
            return;
        }
        if (!goesOn || draining) {
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(Event.ANSWERED);
        // A task of its own: the answer may have been written from inside the decoder's own read.
        ctx.executor().execute(this::next);
    }

    private void next() {
        if (ctx.isRemoved() || !ctx.channel().isActive()) {
            return;
        }
        if (draining) {
            ctx.close(); // told to drain while its answer was on the way: it was the last
            return;
        }
        head = null;
        ended = false;
        early = false;
        written = false;
        requestStart = 0;
        enter(Phase.WAITING);
        pauses.remove(Pause.ANSWERING);
        decoder.next(); // may let in, and pass on, the next request at once, which may pause reading again
        applyReading();
    }

    private void enterBody() {
        enter(Phase.BODY);
        if (minBytesPerWindow > 0) {
            windowBytes = 0;
            graceOver = false;
            windowEnd = now();
            scheduleRateCheck();
        }
    }

    private void enter(Phase next) {
        phase = next;
        since = now();
        cancelDeadline();
        if (next != Phase.BODY) {
            cancelRateCheck();
        }
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
            case HELD, ANSWERING -> answerNanos;
            case WRITING -> 0; // the answer's own progress is watched instead
        };
    }

    /** The first window of a body is its grace; each one after must have brought the minimum. */
    private void checkRate() {
        rateCheck = null;
        if (phase != Phase.BODY) {
            return;
        }
        if (graceOver && windowBytes < minBytesPerWindow) {
            ctx.close();
            return;
        }
        graceOver = true;
        windowBytes = 0;
        scheduleRateCheck();
    }

    /** At the end of the next window, counted from the body's start, however late this check itself ran. */
    private void scheduleRateCheck() {
        windowEnd += rateWindowNanos;
        rateCheck = ctx.executor().schedule(this::checkRate, Math.max(0, windowEnd - now()), TimeUnit.NANOSECONDS);
    }

    /** Looks at the answer's progress now and then; closes once nothing of it has left for the write timeout. */
    private void watchWrite() {
        if (writeNanos == 0) {
            return;
        }
        lastWriteProgress = now();
        nextWriteCheck = lastWriteProgress;
        outputMoved();
        scheduleWriteCheck();
    }

    private void scheduleWriteCheck() {
        nextWriteCheck += Math.max(writeNanos / WRITE_CHECKS_PER_TIMEOUT, TimeUnit.MILLISECONDS.toNanos(1));
        writeCheck = ctx.executor().schedule(this::checkWrite, Math.max(0, nextWriteCheck - now()), TimeUnit.NANOSECONDS);
    }

    private void checkWrite() {
        writeCheck = null;
        if (!writing) {
            return;
        }
        if (outputMoved()) {
            lastWriteProgress = nextWriteCheck; // when this look was due: it may run late, on a busy loop
        } else if (now() - lastWriteProgress >= writeNanos) {
            ctx.close();
            return;
        }
        scheduleWriteCheck();
    }

    /**
     * Whether bytes left since the last look: the buffer being written is another one, or more of it is written,
     * or less is pending. (A write's own promise tells only when all of it is out.)
     */
    private boolean outputMoved() {
        ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
        if (out == null) {
            return false;
        }
        int current = System.identityHashCode(out.current());
        long progress = out.currentProgress();
        long pending = out.totalPendingWriteBytes();
        boolean moved = current != outCurrent || progress != outProgress || pending != outPending;
        outCurrent = current;
        outProgress = progress;
        outPending = pending;
        return moved;
    }

    private void stopWatchingWrite() {
        writing = false;
        if (writeCheck != null) {
            writeCheck.cancel(false);
            writeCheck = null;
        }
    }

    private void stopClocks() {
        cancelDeadline();
        cancelRateCheck();
        stopWatchingWrite();
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private void cancelRateCheck() {
        if (rateCheck != null) {
            rateCheck.cancel(false);
            rateCheck = null;
        }
    }

    private long now() {
        return ctx.executor().ticker().nanoTime();
    }
}
