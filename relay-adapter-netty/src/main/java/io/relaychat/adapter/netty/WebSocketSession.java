package io.relaychat.adapter.netty;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.util.ReferenceCountUtil;
import io.relaychat.ports.in.ChatConnection;
import io.relaychat.ports.in.ChatUseCase;
import io.relaychat.ports.model.Broadcast;
import io.relaychat.ports.model.ClientSink;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Reason;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.ServerEvent;
import io.relaychat.ports.model.User;
import io.relaychat.ports.out.RelayMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One authenticated WebSocket: client frames become requests on its {@link ChatConnection} (through
 * {@link ChatProtocol}); events from the core, and the answers to requests, become text frames written by its
 * {@link SessionWriter}, which also tells the core when more may follow ({@link ClientSink#whenWritable()}). A
 * broadcast is encoded once (see {@link Broadcast}) and its bytes are wrapped, not copied, for each recipient;
 * flushes are batched by the pipeline's flush consolidation. What a client may
 * hold is bounded both ways: its requests in flight ({@link InFlightRequests}), its backlog (the writer), and
 * how often it may be refused for its rate ({@link RateLimitStrikes}). Once closed, it is one line of the
 * {@link AccessLog}: two counters a frame each way, nothing logged per frame.
 */
final class WebSocketSession extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(WebSocketSession.class);
    private static final byte[] PING_PAYLOAD = {'r', 'c'};
    /** A close reason that is not a refusal of a request, so it has no error code. */
    static final String IDLE_TIMEOUT = "Idle timeout";
    /** The close reason of a node that stops gracefully: the client should reconnect, to this node or another. */
    static final String SHUTTING_DOWN = "Server shutting down";
    /**
     * The close of a WebSocket whose user a trusted backend disconnected: a code of the application's range
     * (4000-4999), so that a client can tell it from every close the protocol itself defines.
     */
    static final WebSocketCloseStatus DISCONNECTED = new WebSocketCloseStatus(4001, "Disconnected by the server");

    private final ChatUseCase chat;
    private final User user;
    private final TransportSettings settings;
    private final InFlightRequests inFlight;
    private final RateLimitStrikes strikes;
    private final String client;
    private SessionWriter out;
    private ChatConnection connection;
    private Channel channel;
    /** The node is stopping: the close follows the answers to the requests already taken. */
    private boolean draining;
    /** For the access log: when the session began, and the text frames and bytes read. Event loop only. */
    private long started;
    private final RelayMetrics metrics;
    private final LoopOutbox.PerLoop outboxes;
    private final IdlePings.PerLoop pings;
    /** This WebSocket's place in its loop's sweep for silent WebSockets. Event loop only. */
    private IdlePings.Watch silence;
    private long framesIn;
    private long bytesIn;

    WebSocketSession(ChatUseCase chat, User user, TransportSettings settings) {
        this(chat, user, settings, "unknown", RelayMetrics.NONE, new LoopOutbox.PerLoop(),
                new IdlePings.PerLoop(settings.idleTimeout()));
    }

    /**
     * {@code client}: the address the upgrade came from, as the access log names it; {@code outboxes}: the
     * transport's, so that the sessions of one event loop share its outbox; {@code pings}: likewise, its sweep for
     * silent WebSockets.
     */
    WebSocketSession(ChatUseCase chat, User user, TransportSettings settings, String client, RelayMetrics metrics,
                     LoopOutbox.PerLoop outboxes, IdlePings.PerLoop pings) {
        this.outboxes = outboxes;
        this.pings = pings;
        this.metrics = metrics;
        this.chat = chat;
        this.user = user;
        this.settings = settings;
        this.client = client;
        this.inFlight = new InFlightRequests(settings.maxRequestsInFlight());
        this.strikes = new RateLimitStrikes(settings.rateLimitCloseCount(), settings.rateLimitCloseWindow().toNanos());
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

    /**
     * How long a silent client goes before it is pinged, and, silent for as long again, closed: between 3/8 and 1/2 of
     * the idle timeout, drawn for each WebSocket, so the close comes within the timeout. Connections that joined
     * together (a reconnect storm, a load test) would otherwise all be pinged in the same millisecond, and again
     * at every interval after, since each answer restarts its clock: a burst of writes and reads on an otherwise
     * idle node. Spread over an eighth of the timeout, they stay apart.
     */
    static Duration pingInterval(Duration idleTimeout, Random random) {
        long half = idleTimeout.toNanos() / 2;
        long spread = half / 4;
        return Duration.ofNanos(half - (spread > 0 ? random.nextLong(spread + 1) : 0));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        out = new SessionWriter(channel, settings.maxQueuedBytes(), user.id(), metrics, outboxes.of(channel.eventLoop()));
        started = channel.eventLoop().ticker().nanoTime();
        // Silent for the ping interval: we ping; silent as long again: the peer is gone, close. The sweep may act up
        // to one tick late, so the interval is drawn for a timeout one tick shorter and the close stays within it.
        Duration timeout = settings.idleTimeout();
        silence = pings.of(channel.eventLoop()).watch(new Silence(),
                pingInterval(timeout.minus(IdlePings.tickOf(timeout)), ThreadLocalRandom.current()));
        channel.closeFuture().addListener(closed -> {
            silence.cancel();
            ended();
        });
        ctx.pipeline().addBefore(ctx.name(), "utf8", new Utf8FrameValidator(false));
        ctx.pipeline().addBefore(ctx.name(), "fragments", new WebSocketFrameAggregator(settings.maxFrameBytes()));
        Outcome<ChatConnection> connected;
        try {
            connected = chat.connect(user, new Sink());
        } catch (RuntimeException e) {
            log.error("connecting user {} failed", user.id(), LogSafe.error(e));
            out.close(WebSocketCloseStatus.INTERNAL_SERVER_ERROR, Refusal.internalError().message());
            return;
        }
        if (connected instanceof Outcome.Rejected<ChatConnection> refused) {
            // As with a refused token: the page is shown the close, so it gets the reason there too.
            tell(new ServerEvent.ErrorNotice(refused.refusal()));
            out.close(WebSocketCloseStatus.POLICY_VIOLATION, refused.detail());
            return;
        }
        connection = connected.value();
        inFlight.start(channel); // from here on the socket is read as it says
        channel.closeFuture().addListener(closed -> connection.close().whenComplete((done, error) -> {
            if (error != null) {
                log.debug("closing the connection of user {} failed", user.id(), LogSafe.error(error));
            }
        }));
    }

    /** On the event loop, once the socket has closed. */
    private void ended() {
        SessionWriter.Close close = out.closeOf();
        AccessLog.webSocket(user.id(), client, channel.eventLoop().ticker().nanoTime() - started, framesIn, bytesIn,
                out.framesOut(), out.bytesOut(), close.code(), close.reason(), close.by());
    }

    /** The way the core reaches this client, from any thread. */
    private final class Sink implements ClientSink {
        @Override
        public void send(Broadcast broadcast) {
            WebSocketSession.this.send(broadcast);
        }

        @Override
        public CompletionStage<Void> whenWritable() {
            return out.whenWritable();
        }

        @Override
        public void disconnect(String reason) {
            channel.eventLoop().execute(() -> out.close(DISCONNECTED, reason));
        }
    }

    private void send(Broadcast broadcast) {
        if (!out.isClosing()) {
            out.text(broadcast.encoded(WireFormat::encode), broadcast.acceptedAt());
        }
    }

    private void tell(ServerEvent event) {
        send(new Broadcast(event));
    }

    /** What the sweep does to this WebSocket when it has been silent too long. */
    private final class Silence implements IdlePings.Silent {
        @Override
        public void ping() {
            out.frame(new PingWebSocketFrame(Unpooled.wrappedBuffer(PING_PAYLOAD)));
        }

        @Override
        public void closeIdle() {
            out.close(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, IDLE_TIMEOUT);
        }
    }

    /** Whatever the socket gave, a part of a frame included, the peer is there: its silence starts over. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        silence.heard();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        out.writabilityChanged();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof TextWebSocketFrame text) {
                framesIn++;
                bytesIn += text.content().readableBytes();
                onText(text.text());
            } else if (msg instanceof PingWebSocketFrame ping) {
                out.frame(new PongWebSocketFrame(ping.content().retain()));
            } else if (msg instanceof CloseWebSocketFrame close) {
                out.answerClose(close.retain());
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
        if (!channel.isActive() || connection == null) {
            return; // decoded after the socket closed, or the core refused the connection: nobody is left to answer
        }
        if (draining || out.isClosing()) {
            // Its answer could not follow the close: not taken at all, so a send is neither stored nor
            // acknowledged, and the client's retry (with the same client_id) is the only copy.
            return;
        }
        inFlight.dispatched(channel);
        // Through the outbox, like the deliveries the request caused: a store completing a batch of sends hands
        // their answers to the loop in the same task as the messages. Refused only when the server is stopping,
        // and then nobody is left to answer.
        ChatProtocol.handle(text, connection).thenAccept(answer -> out.afterQueuedWrites(() -> answered(answer)));
    }

    /** On the event loop, in the queue behind everything the core sent before answering. */
    private void answered(Optional<ServerEvent> answer) {
        inFlight.answered(channel);
        if (answer.isPresent()) {
            tell(answer.get());
            if (answer.get() instanceof ServerEvent.ErrorNotice error && error.reason() == Reason.RATE_LIMITED
                    && strikes.strike(channel.eventLoop().ticker().nanoTime())) {
                out.close(WebSocketCloseStatus.POLICY_VIOLATION, error.message());
            }
        }
        if (draining && inFlight.none()) {
            out.close(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, SHUTTING_DOWN);
        }
    }

    /**
     * The node is stopping ({@link ConnectionDrain}): 1001 once every request already taken is answered, so that
     * a send the core stored is acknowledged before the close. The drain's deadline bounds the wait.
     */
    private void drain() {
        draining = true;
        if (connection == null || inFlight.none()) {
            out.close(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, SHUTTING_DOWN);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == ConnectionDrain.Event.DRAIN) {
            drain();
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    /**
     * A message over the limit (one frame, from the decoder, or fragments, from the aggregator) is answered
     * with an error frame, so the client can tell why, then closed with 1009 and the same text; so is a compressed
     * frame that would inflate past it, and one that does not inflate at all is closed 1007. Other
     * protocol violations close with the status the decoder found: a text frame that is not UTF-8, 1007.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException || MessageCompression.inflatedTooLarge(cause)
                || cause instanceof CorruptedWebSocketFrameException corrupted
                && corrupted.closeStatus().equals(WebSocketCloseStatus.MESSAGE_TOO_BIG)) {
            Refusal tooLarge = Refusal.frameTooLarge(settings.maxFrameBytes());
            tell(new ServerEvent.ErrorNotice(tooLarge));
            out.close(WebSocketCloseStatus.MESSAGE_TOO_BIG, tooLarge.message());
        } else if (cause instanceof CorruptedWebSocketFrameException corrupted) {
            log.debug("protocol violation from user {}: {}", user.id(), LogSafe.text(cause.getMessage()));
            out.close(corrupted.closeStatus(), cause.getMessage() == null ? corrupted.closeStatus().reasonText() : cause.getMessage());
        } else if (cause instanceof DecompressionException) {
            // A compressed frame that does not inflate: RFC 7692 says fail the connection.
            log.debug("undecodable compressed frame from user {}: {}", user.id(), LogSafe.text(cause.getMessage()));
            out.close(WebSocketCloseStatus.INVALID_PAYLOAD_DATA, "Invalid compressed data");
        } else {
            log.debug("WebSocket of user {} failed", user.id(), LogSafe.error(cause));
            ctx.close();
        }
    }
}
