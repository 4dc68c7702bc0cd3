package io.relaychat.domain;

import io.relaychat.ports.in.SendMessageCommand;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomId;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * What a connection asks of the core. A {@link LiveConnection} queues its requests and hands them here one
 * at a time, naming itself as the connection they are for.
 */
interface ConnectionRequests {
    /**
     * The checks of a send that need no lookup (content length, the sender's rate), made as it arrives,
     * before it queues: a refused send holds no place in the queue with its content.
     */
    Optional<Refusal> admit(LiveConnection connection, SendMessageCommand command);

    CompletionStage<Outcome<Room>> join(LiveConnection connection, RoomId roomId, Long sinceSeq);

    CompletionStage<Void> leave(LiveConnection connection, RoomId roomId);

    CompletionStage<Outcome<ChatMessage>> send(LiveConnection connection, SendMessageCommand command);

    CompletionStage<Outcome<RoomId>> typing(LiveConnection connection, RoomId roomId);

    /** The connection closed: it leaves every room it joined. */
    CompletionStage<Void> disconnect(LiveConnection connection);
}
