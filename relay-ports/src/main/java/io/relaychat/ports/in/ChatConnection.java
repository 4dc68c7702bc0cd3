package io.relaychat.ports.in;

import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.ConnectionId;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.User;

import java.util.concurrent.CompletionStage;

/**
 * One live client connection. Requests are carried out in the order they are made. Each answers with an
 * {@link Outcome}, as the REST use cases do: accepted, or rejected with a {@link io.relaychat.ports.model.Refusal}
 * the transport tells the client; a stage fails only for a fault (the store unreachable, say), which the
 * transport reports too. Room traffic, and the greeting of a join, arrive at the connection's sink.
 * Requests made after {@link #close} fail with {@link IllegalStateException}.
 */
public interface ChatConnection {
    ConnectionId id();

    User user();

    /**
     * Start receiving the room's traffic. With {@code sinceSeq}, first every stored message after it,
     * in order, then live ones, with no gap and no duplicate. Joining twice changes nothing but repeats the
     * greeting. Refused with NOT_MEMBER for a room the user is not a member of, or that does not exist.
     */
    CompletionStage<Outcome<Room>> join(RoomId roomId, Long sinceSeq);

    /** Stop receiving the room's traffic; leaving a room not joined changes nothing. */
    CompletionStage<Void> leave(RoomId roomId);

    /**
     * Store the message and deliver it. Accepted with the stored message, also when it is a retry of one
     * stored before (then the earlier one, echoed to this connection again). Refused with NOT_MEMBER or
     * CONTENT_TOO_LONG.
     */
    CompletionStage<Outcome<ChatMessage>> send(SendMessageCommand command);

    /** Tell the others in the room this user is typing. Refused with NOT_JOINED unless this connection joined it. */
    CompletionStage<Outcome<RoomId>> typing(RoomId roomId);

    /** The client went away; leaves every room. Idempotent. */
    CompletionStage<Void> close();
}
