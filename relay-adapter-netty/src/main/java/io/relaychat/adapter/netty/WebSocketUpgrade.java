package io.relaychat.adapter.netty;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.relaychat.ports.in.RelayUseCases;
import io.relaychat.ports.out.RelayMetrics;
import io.relaychat.ports.model.Failures;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Turns a request for {@link #PATH} into a {@link WebSocketSession}. The token is checked first, off the
 * event loop. A refused token still gets the handshake, followed at once by a close with the reason:
 * a browser tells a page nothing about a refused handshake, but does show it a close frame's status and text.
 * Such a socket is a line of the {@link AccessLog} too, without a user. With compression enabled, a client that
 * offers permessage-deflate gets it ({@link MessageCompression}).
 */
final class WebSocketUpgrade {
    static final String PATH = "/api/ws";
    private static final Logger log = LoggerFactory.getLogger(WebSocketUpgrade.class);

    private static final Refused UNAUTHENTICATED =
            new Refused(WebSocketCloseStatus.POLICY_VIOLATION, Refusal.webSocketUnauthenticated());
    private static final Refused UNAVAILABLE =
            new Refused(WebSocketCloseStatus.TRY_AGAIN_LATER, Refusal.webSocketServiceUnavailable());

    private final RelayUseCases core;
    private final TransportSettings settings;
    private final ChannelGroup webSockets;
    private final AccessLog accessLog;
    /** Empty unless compression is enabled. */
    private final Optional<MessageCompression> compression;
    private final String scheme;

    private final RelayMetrics metrics;
    /** The WebSockets of one event loop share its outbox: their writes go to the loop in batches. */
    private final LoopOutbox.PerLoop outboxes = new LoopOutbox.PerLoop();
    /** Likewise its sweep for silent WebSockets: one timer per loop, not one per WebSocket. */
    private final IdlePings.PerLoop pings;

    WebSocketUpgrade(RelayUseCases core, TransportSettings settings, ChannelGroup webSockets, AccessLog accessLog,
                     RelayMetrics metrics) {
        this.metrics = metrics;
        this.core = core;
        this.settings = settings;
        this.webSockets = webSockets;
        this.accessLog = accessLog;
        this.compression = settings.compression().enabled()
                ? Optional.of(new MessageCompression(settings.compression(), settings.maxFrameBytes()))
                : Optional.empty();
        this.scheme = settings.tls().isPresent() ? "wss://" : "ws://";
        this.pings = new IdlePings.PerLoop(settings.idleTimeout());
    }

    /** Takes over {@code request} (and releases it); the handler of {@code ctx} is replaced by the session. */
    void upgrade(ChannelHandlerContext ctx, FullHttpRequest request, String token) {
        long started = ctx.executor().ticker().nanoTime();
        CompletionStage<Optional<User>> authenticated;
        try {
            authenticated = core.authenticate().authenticate(token);
        } catch (RuntimeException e) {
            authenticated = CompletableFuture.failedFuture(e);
        }
        authenticated.whenComplete((user, error) -> ctx.executor().execute(() -> {
            try {
                if (error != null) {
                    handshake(ctx, request, null, unavailable(error), started);
                } else {
                    handshake(ctx, request, user.orElse(null), UNAUTHENTICATED, started);
                }
            } finally {
                request.release();
            }
        }));
    }

    /** The token could not be checked (not: was wrong): the client should come back, not log in again. */
    private static Refused unavailable(Throwable error) {
        if (!Failures.isUnavailable(error)) {
            log.error("WebSocket authentication failed", LogSafe.error(Failures.cause(error)));
        }
        return UNAVAILABLE;
    }

    /** Completes the handshake, then either starts the session or, with no user, closes as {@code refused} says. */
    private void handshake(ChannelHandlerContext ctx, FullHttpRequest request, User user, Refused refused, long started) {
        String client = accessLog.client(ctx.channel(), request.headers());
        String location = scheme + request.headers().get(HttpHeaderNames.HOST, "localhost") + PATH;
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(location, null,
                WebSocketSession.decoderConfig(settings.maxFrameBytes())).newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel())
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        Optional<MessageCompression.Agreed> compressed = compression.flatMap(agreeing -> agreeing.negotiate(request.headers()));
        HttpHeaders answer = new DefaultHttpHeaders();
        compressed.ifPresent(agreed -> answer.set(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS,
                MessageCompression.responseHeader(agreed)));
        // From here on nothing is HTTP: no deadlines of requests, no bodies, no CORS.
        HttpPipeline.leaveHttp(ctx.pipeline());
        handshaker.handshake(ctx.channel(), request, answer, ctx.newPromise()).addListener((ChannelFutureListener) done -> {
            if (!done.isSuccess()) {
                done.channel().close();
                return;
            }
            compressed.ifPresent(agreed -> MessageCompression.install(ctx.pipeline(), agreed));
            if (user == null) {
                done.channel().writeAndFlush(new CloseWebSocketFrame(refused.status().code(), refused.refusal().message()))
                        .addListener(ChannelFutureListener.CLOSE);
                AccessLog.webSocket(null, client, ctx.executor().ticker().nanoTime() - started, 0, 0, 0, 0,
                        refused.status().code(), refused.refusal().message(), "server");
                return;
            }
            // The session turns reading back on: from here on its InFlightRequests is the one to say.
            ctx.pipeline().replace(ctx.handler(), "websocket", new WebSocketSession(core.chat(), user, settings, client, metrics,
                    outboxes, pings));
            webSockets.add(done.channel());
        });
    }

    /** How a WebSocket without a user is closed: the status a client acts on, and the text it shows. */
    private record Refused(WebSocketCloseStatus status, Refusal refusal) {
    }
}
