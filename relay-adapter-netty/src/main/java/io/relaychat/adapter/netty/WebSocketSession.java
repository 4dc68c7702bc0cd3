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
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.relaychat.ports.in.ChatConnection;
import io.relaychat.ports.in.ChatUseCase;
import io.relaychat.ports.model.Broadcast;
import io.relaychat.ports.model.ServerEvent;
import io.relaychat.ports.model.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * One authenticated WebSocket: client frames become requests on its {@link ChatConnection}; events from
 * the core become text frames. A broadcast is encoded once (see {@link Broadcast}) and its bytes are
 * wrapped, not copied, for each recipient; flushes are batched by the pipeline's flush consolidation.
 */
final class WebSocketSession extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(WebSocketSession.class);

    private final ChatUseCase chat;
    private final User user;
    private final WebSocketServerHandshaker handshaker;
    private final TransportSettings settings;
    private ChatConnection connection;
    private Channel channel;
    private volatile boolean closing;

    WebSocketSession(ChatUseCase chat, User user, WebSocketServerHandshaker handshaker, TransportSettings settings) {
        this.chat = chat;
        this.user = user;
        this.handshaker = handshaker;
        this.settings = settings;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        long idleMillis = settings.idleTimeout().toMillis();
        // Reader idle for half the timeout: we ping; idle again: the peer is gone, close.
        ctx.pipeline().addBefore(ctx.name(), "idle", new IdleStateHandler(idleMillis / 2, 0, 0, TimeUnit.MILLISECONDS));
        ctx.pipeline().addBefore(ctx.name(), "fragments", new WebSocketFrameAggregator(settings.maxFrameBytes()));
        connection = chat.connect(user, this::send);
        channel.closeFuture().addListener(closed -> connection.close());
    }

    /** The sink the core writes to, from any thread. */
    private void send(Broadcast broadcast) {
        if (!channel.isActive() || closing) {
            return;
        }
        if (!channel.isWritable()) {
            // The client reads slower than its rooms talk; holding an unbounded backlog for it would hurt everyone.
            log.info("closing slow WebSocket of user {}", user.id());
            close(WebSocketCloseStatus.TRY_AGAIN_LATER, "Client too slow");
            return;
        }
        byte[] text = broadcast.encoded(WireFormat::encode);
        // Always through the event loop's queue, even when already on it: Netty writes inline on its own
        // loop but queues writes from other threads, so a later message could overtake earlier ones.
        channel.eventLoop().execute(() ->
                channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(text)), channel.voidPromise()));
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
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            } else if (msg instanceof CloseWebSocketFrame close) {
                handshaker.close(ctx.channel(), close.retain());
            } else if (msg instanceof BinaryWebSocketFrame) {
                tell(new ServerEvent.ErrorNotice("Binary frames are not supported: send JSON text"));
            } else if (!(msg instanceof WebSocketFrame)) {
                ctx.fireChannelRead(ReferenceCountUtil.retain(msg));
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onText(String text) {
        try {
            ClientRequests.dispatch(text, connection, () -> tell(new ServerEvent.Pong()))
                    .whenComplete((ignored, error) -> {
                        if (error != null) {
                            log.error("request of user {} failed", user.id(), error);
                        }
                    });
        } catch (ClientRequests.BadRequest bad) {
            tell(new ServerEvent.ErrorNotice(bad.getMessage(), bad.clientId));
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
            if (idle.isFirst()) {
                ctx.writeAndFlush(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {'r', 'c'})));
            } else {
                close(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, "Idle timeout");
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
        if (closing) {
            return;
        }
        closing = true;
        channel.writeAndFlush(new CloseWebSocketFrame(status.code(), reason)).addListener(ChannelFutureListener.CLOSE);
        channel.eventLoop().schedule(() -> channel.close(), 1, TimeUnit.SECONDS);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            close(WebSocketCloseStatus.MESSAGE_TOO_BIG, "Message too big: the limit is "
                    + settings.maxFrameBytes() + " bytes");
        } else if (cause instanceof CorruptedWebSocketFrameException) {
            // The frame decoder already sent the matching close status (1009 for an oversized frame).
            log.debug("protocol violation from user {}: {}", user.id(), cause.getMessage());
            ctx.close();
        } else {
            log.debug("WebSocket of user {} failed", user.id(), cause);
            ctx.close();
        }
    }
}
