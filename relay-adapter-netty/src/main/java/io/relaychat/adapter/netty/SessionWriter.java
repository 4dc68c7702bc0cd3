package io.relaychat.adapter.netty;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.relaychat.ports.model.UserId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * The way out to one WebSocket: every write in the event loop's order, the client's backlog bounded, and the
 * close, once.
 * <p>
 * Every write goes through the event loop's task queue, even from the event loop itself: Netty writes inline
 * on a channel's own loop but queues writes from other threads, so an inline write (an error frame, a close)
 * could overtake traffic the core had queued before it. What waits in that queue is the client's backlog as
 * much as what Netty holds, so both are counted: past {@code maxQueuedBytes} together the client reads slower
 * than its rooms talk, and is closed with 1013 rather than buffered for without bound.
 */
final class SessionWriter {
    private static final Logger log = LoggerFactory.getLogger(SessionWriter.class);
    private static final AtomicLongFieldUpdater<SessionWriter> QUEUED =
            AtomicLongFieldUpdater.newUpdater(SessionWriter.class, "queuedBytes");
    /** Close reasons that are not refusals of a request, so they have no error code. */
    static final String CLIENT_TOO_SLOW = "Client too slow";

    private final Channel channel;
    private final long maxQueuedBytes;
    private final UserId user;
    private final AtomicBoolean closing = new AtomicBoolean();
    /** Bytes handed to the event loop and not yet written into the channel, which Netty counts from there on. */
    private volatile long queuedBytes;

    /** {@code maxQueuedBytes} 0: no bound, and no client is ever too slow. */
    SessionWriter(Channel channel, long maxQueuedBytes, UserId user) {
        this.channel = channel;
        this.maxQueuedBytes = maxQueuedBytes;
        this.user = user;
        if (maxQueuedBytes > 0) {
            int high = (int) Math.min(Integer.MAX_VALUE, maxQueuedBytes);
            channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(high / 4, high));
        }
    }

    boolean isClosing() {
        return closing.get();
    }

    /** One text frame, from any thread: the per-recipient hot path, an atomic add and a task. */
    void text(byte[] text) {
        if (closing.get() || !channel.isActive()) {
            return;
        }
        long queued = QUEUED.addAndGet(this, text.length);
        if (maxQueuedBytes > 0 && queued > channel.bytesBeforeUnwritable()) {
            QUEUED.addAndGet(this, -text.length);
            tooSlow();
            return;
        }
        if (!inOrder(() -> textNow(text))) {
            QUEUED.addAndGet(this, -text.length);
        }
    }

    /** On the event loop, in turn: from here on Netty's outbound buffer counts the bytes. */
    private void textNow(byte[] text) {
        QUEUED.addAndGet(this, -text.length);
        channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(text)), channel.voidPromise());
    }

    /** A frame of our own, such as a pong, in its turn behind what was queued before it. */
    void frame(WebSocketFrame frame) {
        if (!inOrder(() -> channel.writeAndFlush(frame, channel.voidPromise()))) {
            frame.release();
        }
    }

    /** The outbound buffer passed its high mark: the client is not keeping up with what it was already sent. */
    void writabilityChanged() {
        if (maxQueuedBytes > 0 && !channel.isWritable()) {
            tooSlow();
        }
    }

    private void tooSlow() {
        if (close(WebSocketCloseStatus.TRY_AGAIN_LATER, CLIENT_TOO_SLOW)) {
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
        closeWith(new CloseWebSocketFrame(status.code(), reason));
        return true;
    }

    /** The client started the close: echo its frame, as the protocol asks, and close. */
    void answerClose(CloseWebSocketFrame echo) {
        if (closing.compareAndSet(false, true)) {
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

    /** Queues a write on the event loop; false when the loop is stopping and the write will never run. */
    private boolean inOrder(Runnable write) {
        try {
            channel.eventLoop().execute(write);
            return true;
        } catch (RejectedExecutionException stopping) {
            return false;
        }
    }
}
