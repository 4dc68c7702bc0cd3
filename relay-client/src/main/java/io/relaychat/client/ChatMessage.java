package io.relaychat.client;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A stored message of a room, as the server delivers it live ({@code chat_message}) and as history answers it.
 * {@code seq} is its place in the room: 1, 2, 3, … never reused; {@code clientId} is the sender's idempotency key,
 * null when the sender gave none.
 */
public record ChatMessage(String id, String roomId, String userId, String username, String content, Instant timestamp,
                          List<String> attachments, long seq, String clientId) implements RelayEvent {
    public ChatMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(roomId, "roomId");
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }
}
