package io.relaychat.ports.in;

import io.relaychat.ports.model.ConnectionId;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.User;

import java.util.concurrent.CompletionStage;

/**
 * One live client connection. Requests are carried out in the order they are made; answers and
 * refusals arrive at the connection's sink as events, so every method completes normally unless
 * the connection itself is broken. The returned stages complete when the request has been handled.
 */
public interface ChatConnection {
    ConnectionId id();

    User user();

    /**
     * Start receiving the room's traffic. With {@code sinceSeq}, first every stored message after it,
     * in order, then live ones, with no gap and no duplicate. Joining twice changes nothing.
     */
    CompletionStage<Void> join(RoomId roomId, Long sinceSeq);

    CompletionStage<Void> leave(RoomId roomId);

    CompletionStage<Void> send(SendMessageCommand command);

    CompletionStage<Void> typing(RoomId roomId);

    /** The client went away; leaves every room. Idempotent. */
    CompletionStage<Void> close();
}
