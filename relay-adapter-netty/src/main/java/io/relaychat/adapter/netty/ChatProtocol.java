package io.relaychat.adapter.netty;

import io.relaychat.ports.in.ChatConnection;
import io.relaychat.ports.model.Failures;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.ServerEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The real-time protocol's JSON, without Netty: a server event to the bytes of one text message, and one
 * client message to the call on its {@link ChatConnection} and the answer it gets. This is the module's
 * one deliberate public entry besides {@link NettyTransport}, for two kinds of callers: another transport
 * that carries the same protocol over other sockets, and the benchmarks that measure this hot path
 * exactly as the server runs it. Everything behind it stays package-private.
 */
public final class ChatProtocol {
    private static final Logger log = LoggerFactory.getLogger(ChatProtocol.class);

    private ChatProtocol() {
    }

    /** The UTF-8 JSON of one server event, as a WebSocket text message carries it. */
    public static byte[] encode(ServerEvent event) {
        return WireFormat.encode(event);
    }

    /**
     * Reads one client message and makes its call on {@code connection}. Completes, never exceptionally,
     * with what the transport must tell the client besides what the core sends to the connection's sink:
     * an error for a malformed message, a refused request or a fault; a pong for a ping; else nothing.
     * The answer comes when the core has answered, so it is to be written after everything the core
     * wrote to the sink before that.
     */
    public static CompletionStage<Optional<ServerEvent>> handle(String clientMessage, ChatConnection connection) {
        ClientRequest request;
        try {
            request = ClientRequests.parse(clientMessage);
        } catch (ClientRequests.BadRequest bad) {
            return CompletableFuture.completedFuture(Optional.of(bad.notice()));
        }
        CompletionStage<?> call;
        try {
            call = request.submitTo(connection);
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        return call.handle((answer, error) -> error == null ? answered(request, answer) : failed(request, error, connection));
    }

    private static Optional<ServerEvent> answered(ClientRequest request, Object answer) {
        if (answer instanceof Outcome.Rejected<?> rejected) {
            return Optional.of(new ServerEvent.ErrorNotice(rejected.refusal(), request.clientId()));
        }
        return request.whenDone();
    }

    /** Logged with the action and the user's id, and the error redacted: never the token or what the user wrote. */
    private static Optional<ServerEvent> failed(ClientRequest request, Throwable error, ChatConnection connection) {
        Throwable cause = Failures.cause(error);
        if (Failures.isUnavailable(cause)) {
            log.debug("{} of user {} not carried out: {}", request.action(), connection.user().id(),
                    LogSafe.text(cause.toString()));
        } else {
            log.error("{} of user {} failed", request.action(), connection.user().id(), LogSafe.error(cause));
        }
        return Optional.of(new ServerEvent.ErrorNotice(request.fault(cause), request.clientId()));
    }
}
