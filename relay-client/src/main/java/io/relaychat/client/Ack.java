package io.relaychat.client;

import java.time.Instant;

/** A send the server stored: the message's id and its place in the room. */
public record Ack(String messageId, String roomId, long seq, String clientId, Instant timestamp) {

    static Ack of(ChatMessage stored) {
        return new Ack(stored.id(), stored.roomId(), stored.seq(), stored.clientId(), stored.timestamp());
    }
}
