package io.relaychat.adapter.netty;

import io.relaychat.ports.in.ChatConnection;
import io.relaychat.ports.in.SendMessageCommand;
import io.relaychat.ports.model.Failures;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.ServerEvent;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One well-formed client request, and what it means to the connection: the call it makes, and what the
 * client is told when that call fails with a fault instead of answering.
 */
sealed interface ClientRequest {

    /** The request's {@code action}, as the client wrote it. */
    String action();

    /**
     * Makes the call. The stage completes with the connection's answer (an outcome, or nothing for a
     * request that cannot be refused) and fails for a fault.
     */
    CompletionStage<?> submitTo(ChatConnection connection);

    /** The refusal a fault of this request is reported as. */
    default Refusal fault(Throwable error) {
        return Refusal.internalError();
    }

    /** The idempotency key errors about this request echo, or null. */
    default String clientId() {
        return null;
    }

    /** What the transport tells the client once the call is done, besides what the core sent: usually nothing. */
    default Optional<ServerEvent> whenDone() {
        return Optional.empty();
    }

    record Join(RoomId roomId, Long sinceSeq) implements ClientRequest {
        @Override
        public String action() {
            return "join_room";
        }

        @Override
        public CompletionStage<?> submitTo(ChatConnection connection) {
            return connection.join(roomId, sinceSeq);
        }

        @Override
        public Refusal fault(Throwable error) {
            return Refusal.joinFailed(roomId, Failures.isUnavailable(error));
        }
    }

    record Leave(RoomId roomId) implements ClientRequest {
        @Override
        public String action() {
            return "leave_room";
        }

        @Override
        public CompletionStage<?> submitTo(ChatConnection connection) {
            return connection.leave(roomId);
        }
    }

    record Send(SendMessageCommand command) implements ClientRequest {
        @Override
        public String action() {
            return "send_message";
        }

        @Override
        public CompletionStage<?> submitTo(ChatConnection connection) {
            return connection.send(command);
        }

        /** Either way nothing was delivered; only a store that could not be reached is worth retrying. */
        @Override
        public Refusal fault(Throwable error) {
            return Failures.isUnavailable(error) ? Refusal.messageNotStored() : Refusal.messageFailed();
        }

        @Override
        public String clientId() {
            return command.clientId();
        }
    }

    record Typing(RoomId roomId) implements ClientRequest {
        @Override
        public String action() {
            return "typing";
        }

        @Override
        public CompletionStage<?> submitTo(ChatConnection connection) {
            return connection.typing(roomId);
        }
    }

    /** Answered by the transport alone: a ping checks the connection and its event loop, not the core. */
    record Ping() implements ClientRequest {
        private static final Optional<ServerEvent> PONG = Optional.of(new ServerEvent.Pong());

        @Override
        public String action() {
            return "ping";
        }

        @Override
        public CompletionStage<?> submitTo(ChatConnection connection) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public Optional<ServerEvent> whenDone() {
            return PONG;
        }
    }
}
