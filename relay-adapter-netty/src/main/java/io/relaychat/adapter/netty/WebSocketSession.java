package io.relaychat.adapter.netty;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.relaychat.ports.in.ChatConnection;
import io.relaychat.ports.in.ChatUseCase;
import io.relaychat.ports.model.Broadcast;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.ServerEvent;
import io.relaychat.ports.model.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One authenticated WebSocket: client frames become requests on its {@link ChatConnection} (through
 * {@link ChatProtocol}); events from the core, and the answers to requests, become text frames. A broadcast
 * is encoded once (see {@link Broadcast}) and its bytes are wrapped, not copied, for each recipient;
 * flushes are batched by the pipeline's flush consolidation.
 * <p>
 * Every write goes through the event loop's task queue, even from the event loop itself: Netty writes
 * inline on a channel's own loop but queues writes from other threads, so an inline write (an error frame,
 * a close) could overtake traffic the core had queued before it.
 */
final class WebSocketSession extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(WebSocketSession.class);
    private static final byte[] PING_PAYLOAD = {'r', 'c'};
    /** Close reasons that are not refusals of a request, so they have no error code. */
    static final String CLIENT_TOO_SLOW = "Client too slow";
    static final String IDLE_TIMEOUT = "Idle timeout";

    private final ChatUseCase chat;
    private final User user;
    private final TransportSettings settings;
    private final AtomicBoolean closing = new AtomicBoolean();
    private ChatConnection connection;
    private Channel channel;

    WebSocketSession(ChatUseCase chat, User user, TransportSettings settings) {
        this.chat = chat;
        this.user = user;
        this.settings = settings;
    }

    /**
     * How the handshake sets up the frame decoder. It must not close the connection on a protocol violation
     * itself: a frame over the limit is first answered with an error frame, which only this session can
     * write in order (see {@link #exceptionCaught}).
     */
    static WebSocketDecoderConfig decoderConfig(int maxFrameBytes) {
        return WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(maxFrameBytes)
                .allowExtensions(true)
                .closeOnProtocolViolation(false)
                .build();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        long idleMillis = settings.idleTimeout().toMillis();
        // Reader idle for half the timeout: we ping; idle again: the peer is gone, close.
        ctx.pipeline().addBefore(ctx.name(), "idle", new IdleStateHandler(idleMillis / 2, 0, 0, TimeUnit.MILLISECONDS));
        ctx.pipeline().addBefore(ctx.name(), "fragments", new WebSocketFrameAggregator(settings.maxFrameBytes()));
        connection = chat.connect(user, this::send);
        channel.closeFuture().addListener(closed -> connection.close().whenComplete((done, error) -> {
            if (error != null) {
                log.debug("closing the connection of user {} failed", user.id(), error);
            }
        }));
    }

    /** The sink the core writes to, from any thread. */
    private void send(Broadcast broadcast) {
        if (!channel.isActive() || closing.get()) {
            return;
        }
        if (!channel.isWritable()) {
            // The client reads slower than its rooms talk; holding an unbounded backlog for it would hurt everyone.
            log.info("closing slow WebSocket of user {}", user.id());
            close(WebSocketCloseStatus.TRY_AGAIN_LATER, CLIENT_TOO_SLOW);
            return;
        }
        byte[] text = broadcast.encoded(WireFormat::encode);
        inOrder(() -> channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(text)), channel.voidPromise()));
    }

    private void tell(ServerEvent event) {
        send(new Broadcast(event));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof TextWebSocketFrame text) {
                onText(text.text());
            } else if (msg instanceof PingWebSocketFrame ping) {
                write(new PongWebSocketFrame(ping.content().retain()));
            } else if (msg instanceof CloseWebSocketFrame close) {
                answerClose(close.retain());
            } else if (msg instanceof BinaryWebSocketFrame) {
                tell(new ServerEvent.ErrorNotice(Refusal.binaryFrame()));
            } else if (!(msg instanceof WebSocketFrame)) {
                ctx.fireChannelRead(ReferenceCountUtil.retain(msg));
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onText(String text) {
        if (!channel.isActive()) {
            return; // decoded after the socket closed: the connection is closed too, and nobody is left to answer
        }
        ChatProtocol.handle(text, connection).thenAccept(answer -> answer.ifPresent(this::tell));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
            if (idle.isFirst()) {
                write(new PingWebSocketFrame(Unpooled.wrappedBuffer(PING_PAYLOAD)));
            } else {
                close(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, IDLE_TIMEOUT);
            }
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    /**
     * Closes with a status the client can read, once. The close frame queues behind what is still unwritten,
     * which a client that stopped reading never takes: the socket is closed after a second regardless. The
     * core is told through the channel's close future.
     */
    void close(WebSocketCloseStatus status, String reason) {
        if (closing.compareAndSet(false, true)) {
            closeWith(new CloseWebSocketFrame(status.code(), reason));
        }
    }

    /** The client started the close: echo its frame, as the protocol asks, and close. */
    private void answerClose(CloseWebSocketFrame echo) {
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

    /** A frame of our own, such as a pong, in its turn behind what was queued before it. */
    private void write(WebSocketFrame frame) {
        if (!inOrder(() -> channel.writeAndFlush(frame, channel.voidPromise()))) {
            frame.release();
        }
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

    /**
     * A message over the limit (one frame, from the decoder, or fragments, from the aggregator) is answered
     * with an error frame, so the client can tell why, then closed with 1009 and the same text. Other
     * protocol violations close with the status the decoder found.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException
                || cause instanceof CorruptedWebSocketFrameException corrupted
                && corrupted.closeStatus().equals(WebSocketCloseStatus.MESSAGE_TOO_BIG)) {
            Refusal tooLarge = Refusal.frameTooLarge(settings.maxFrameBytes());
            tell(new ServerEvent.ErrorNotice(tooLarge));
            close(WebSocketCloseStatus.MESSAGE_TOO_BIG, tooLarge.message());
        } else if (cause instanceof CorruptedWebSocketFrameException corrupted) {
            log.debug("protocol violation from user {}: {}", user.id(), cause.getMessage());
            close(corrupted.closeStatus(), cause.getMessage() == null ? corrupted.closeStatus().reasonText() : cause.getMessage());
        } else {
            log.debug("WebSocket of user {} failed", user.id(), cause);
            ctx.close();
        }
    }
}
