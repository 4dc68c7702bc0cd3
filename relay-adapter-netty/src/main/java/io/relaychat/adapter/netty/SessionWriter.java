package io.relaychat.adapter.netty;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundInvoker;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.RelayMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * The way out to one WebSocket: every write in the event loop's order, the client's backlog bounded, the
 * pace of a backlog that may wait, and the close, once.
 * <p>
 * Every write goes through its event loop's {@link LoopOutbox}, even from the event loop itself: Netty writes inline
 * on a channel's own loop but queues writes from other threads, so an inline write (an error frame, a close)
 * could overtake traffic the core had queued before it. The outbox runs the writes of many WebSockets in one task and
 * flushes each channel once per batch. A backlog can wait in two places, and each is bounded
 * on its own by {@code maxQueuedBytes}: bytes handed to the event loop and not yet to Netty (a burst the core
 * routed faster than the loop runs: counted as it is queued, so it cannot slip past the bound), and Netty's
 * outbound buffer (what the client has not read yet: checked on the loop as each write is handed over, the only
 * moment it grows). Past either, the client reads slower than its rooms talk, and is closed with 1013 rather
 * than buffered for without bound. The two are never added up: a burst the loop is about to run says nothing
 * about a client that is reading what it was sent a moment ago.
 * <p>
 * Netty's writability marks are set below that bound (half and a quarter of it), for what may wait
 * ({@link #whenWritable()}): a resuming client's stored messages come page by page, each once the previous
 * pages have been handed over and the channel is writable, so a backlog of any size takes the client's pace and
 * never comes near the bound.
 * <p>
 * For the access log it counts the text frames it hands to Netty and their bytes, and keeps how the socket was
 * closed: the status and reason it sent, or the client's, when the client closed first.
 */
final class SessionWriter implements LoopOutbox.Flushable {
    /**
     * Each WebSocket's first live message is timed, then one in this many: a timer update on every delivery (one
     * timer shared by all event loops) was the largest of the metrics' costs in a profile of W1, and a sample of one
     * in 16 keeps the latency distribution while the frames-written counter stays exact.
     */
    static final int TIMED_ONE_IN = 16;
    private static final Logger log = LoggerFactory.getLogger(SessionWriter.class);
    private static final AtomicLongFieldUpdater<SessionWriter> QUEUED =
            AtomicLongFieldUpdater.newUpdater(SessionWriter.class, "queuedBytes");
    /** A close reason that is not a refusal of a request, so it has no error code. */
    static final String CLIENT_TOO_SLOW = "Client too slow";
    /** The name Netty's handshake gives the WebSocket frame encoder it puts in the pipeline. */
    private static final String FRAME_ENCODER = "wsencoder";

    private final Channel channel;
    private final long maxQueuedBytes;
    private final UserId user;
    private final RelayMetrics metrics;
    private final LoopOutbox outbox;
    /**
     * Without compression every recipient's frame of a broadcast is the same bytes, written from the outbox's, and
     * from the frame encoder's place in the pipeline: they are a frame already, so nothing between the pipeline's
     * tail and the encoder, nor the encoder itself, has anything to do with them (the channel itself in a pipeline
     * without Netty's encoder). Null with compression.
     */
    private final ChannelOutboundInvoker framed;
    private final AtomicBoolean closing = new AtomicBoolean();
    /** Bytes handed to the event loop and not yet written into the channel, which Netty counts from there on. */
    private volatile long queuedBytes;
    /** Who waits for the channel to be writable again. Event loop only. */
    private final Queue<CompletableFuture<Void>> waiting = new ArrayDeque<>();
    /** Text frames, and their bytes, handed to Netty. Event loop only. */
    private long framesOut;
    /** Written in the outbox's running batch and not yet flushed. Event loop only. */
    private boolean flushPending;
    /** Live messages written to this WebSocket, on its event loop: which of them are timed. */
    private long liveMessagesOut;
    private long bytesOut;
    /** How the close began, once it has: who began it, with what status and reason. Set once, before the close. */
    private volatile Close close;

    /** How a WebSocket's close began. */
    record Close(int code, String reason, String by) {
        /** The socket ended without a close frame either way: 1006, as a browser reports it. */
        static final Close ABNORMAL = new Close(WebSocketCloseStatus.ABNORMAL_CLOSURE.code(), "", "network");
    }

    /** {@code maxQueuedBytes} 0: no bound, and no client is ever too slow. An outbox of its own. */
    SessionWriter(Channel channel, long maxQueuedBytes, UserId user) {
        this(channel, maxQueuedBytes, user, RelayMetrics.NONE, new LoopOutbox(channel.eventLoop()));
    }

    /** {@code outbox}: the one of the channel's event loop. */
    SessionWriter(Channel channel, long maxQueuedBytes, UserId user, RelayMetrics metrics, LoopOutbox outbox) {
        this.metrics = metrics;
        this.outbox = outbox;
        this.framed = MessageCompression.isInstalled(channel.pipeline()) ? null : frameEncoderOf(channel);
        this.channel = channel;
        this.maxQueuedBytes = maxQueuedBytes;
        this.user = user;
        if (maxQueuedBytes > 0) {
            int high = (int) Math.min(Integer.MAX_VALUE, maxQueuedBytes / 2);
            channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(high / 2, high));
        }
        channel.closeFuture().addListener(closed -> wakeAll());
    }

    private static ChannelOutboundInvoker frameEncoderOf(Channel channel) {
        ChannelHandlerContext encoder = channel.pipeline().context(FRAME_ENCODER);
        return encoder == null ? channel : encoder;
    }

    boolean isClosing() {
        return closing.get();
    }

    /** One text frame that is not a timed live message. */
    void text(byte[] text) {
        text(text, 0);
    }

    /**
     * One text frame, from any thread: the per-recipient hot path, an atomic add and a task. {@code acceptedAt}: when
     * the core took the live message in ({@code RelayMetrics.timestamp()}), timed once handed to the socket; 0: not
     * timed. It rides in the task that is queued anyway, so timing costs no allocation.
     */
    void text(byte[] text, long acceptedAt) {
        if (closing.get() || !channel.isActive()) {
            return;
        }
        long queued = QUEUED.addAndGet(this, text.length);
        if (maxQueuedBytes > 0 && queued > maxQueuedBytes) {
            QUEUED.addAndGet(this, -text.length);
            tooSlow();
            return;
        }
        if (!inOrder(() -> textNow(text, acceptedAt))) {
            QUEUED.addAndGet(this, -text.length);
        }
    }

    /** On the event loop, in turn: from here on Netty's outbound buffer counts the bytes. */
    private void textNow(byte[] text, long acceptedAt) {
        QUEUED.addAndGet(this, -text.length);
        framesOut++;
        bytesOut += text.length;
        if (framed != null) {
            framed.write(outbox.sharedFrame(text, channel.alloc()), channel.voidPromise());
        } else {
            channel.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(text)), channel.voidPromise());
        }
        flushAtEndOfBatch();
        // Handed to the socket (flushed with the rest of the outbox's batch): no listener per frame, which would cost
        // an allocation on every delivery.
        metrics.frameWritten();
        if (acceptedAt != 0 && liveMessagesOut++ % TIMED_ONE_IN == 0) {
            metrics.deliveryWritten(acceptedAt);
        }
        if (maxQueuedBytes > 0 && !channel.isWritable() && unread() > maxQueuedBytes) {
            tooSlow();
        }
    }

    /** A frame of our own, such as a pong, in its turn behind what was queued before it. */
    void frame(WebSocketFrame frame) {
        if (!inOrder(() -> {
            channel.write(frame, channel.voidPromise());
            flushAtEndOfBatch();
        })) {
            frame.release();
        }
    }

    private void flushAtEndOfBatch() {
        if (!flushPending) {
            flushPending = true;
            outbox.flushAtEnd(this);
        }
    }

    /**
     * The outbox's batch is over: what it wrote here goes to the socket. From the encoder's place when frames are
     * shared: every handler nearer the tail only reads, and the encoder writes what it is given at once.
     */
    @Override
    public void flushNow() {
        flushPending = false;
        if (framed != null) {
            framed.flush();
        } else {
            channel.flush();
        }
    }

    /**
     * Completes once everything queued before this call has been handed to Netty and the channel is writable
     * (Netty holds less than its high mark; if it holds more, once it has drained below its low mark), or once
     * the channel has closed: completed normally either way, on the event loop. A connection that is closing
     * waits for its close, so that nobody sends it pages only to have them dropped. From any thread; a task per
     * call, nothing per frame.
     */
    CompletionStage<Void> whenWritable() {
        if (!channel.isActive() || queuedBytes == 0 && mayGoOn()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> ready = new CompletableFuture<>();
        if (!inOrder(() -> {
            if (!channel.isActive() || mayGoOn()) {
                ready.complete(null);
            } else {
                waiting.add(ready);
            }
        })) {
            ready.complete(null); // the loop is stopping, and the channel with it
        }
        return ready;
    }

    private boolean mayGoOn() {
        return channel.isWritable() && !closing.get();
    }

    /**
     * Netty's buffer crossed a writability mark: below the low one, whoever waits may go on (in a task of its
     * own, not inside the write that drained the buffer); above the high one, nothing to do but check the bound.
     */
    void writabilityChanged() {
        if (channel.isWritable()) {
            if (!waiting.isEmpty()) {
                inOrder(this::wakeWritable);
            }
        } else if (maxQueuedBytes > 0 && unread() > maxQueuedBytes) {
            tooSlow();
        }
    }

    private void wakeWritable() {
        while (mayGoOn() && !waiting.isEmpty()) {
            waiting.poll().complete(null);
        }
    }

    /** The channel closed: nobody waits for it any more. */
    private void wakeAll() {
        while (!waiting.isEmpty()) {
            waiting.poll().complete(null);
        }
    }

    /** Bytes in Netty's outbound buffer: written to the channel and not yet taken by the socket. */
    private long unread() {
        ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
        return out == null ? 0 : out.totalPendingWriteBytes();
    }

    private void tooSlow() {
        if (close(WebSocketCloseStatus.TRY_AGAIN_LATER, CLIENT_TOO_SLOW)) {
            metrics.slowConsumerClosed();
            log.info("closing slow WebSocket of user {}", user);
        }
    }

    /**
     * Closes with a status the client can read, once; false if already closing. The close frame queues behind
     * what is still unwritten, which a client that stopped reading never takes: the socket is closed after a
     * second regardless.
     */
    boolean close(WebSocketCloseStatus status, String reason) {
        if (!closing.compareAndSet(false, true)) {
            return false;
        }
        close = new Close(status.code(), reason, "server");
        closeWith(new CloseWebSocketFrame(status.code(), reason));
        return true;
    }

    /** The client started the close: echo its frame, as the protocol asks, and close. */
    void answerClose(CloseWebSocketFrame echo) {
        if (closing.compareAndSet(false, true)) {
            // A close frame without a status reads as 1005, "no status received".
            int code = echo.statusCode() < 0 ? WebSocketCloseStatus.EMPTY.code() : echo.statusCode();
            close = new Close(code, echo.reasonText(), "client");
            closeWith(echo);
        } else {
            echo.release();
        }
    }

    private void closeWith(CloseWebSocketFrame frame) {
        if (!inOrder(() -> channel.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE))) {
            frame.release();
            channel.close();
            return;
        }
        channel.eventLoop().schedule(() -> channel.close(), 1, TimeUnit.SECONDS);
    }

    long framesOut() {
        return framesOut;
    }

    long bytesOut() {
        return bytesOut;
    }

    /** How the close began; {@link Close#ABNORMAL} when it never did and the socket simply ended. */
    Close closeOf() {
        Close began = close;
        return began == null ? Close.ABNORMAL : began;
    }

    /**
     * From any thread: runs {@code task} on the event loop behind every write queued so far, so that what it writes
     * follows them; false when the loop is stopping and it will never run.
     */
    boolean afterQueuedWrites(Runnable task) {
        return inOrder(task);
    }

    /** Queues a write on the event loop; false when the loop is stopping and the write will never run. */
    private boolean inOrder(Runnable write) {
        return outbox.post(write);
    }
}
