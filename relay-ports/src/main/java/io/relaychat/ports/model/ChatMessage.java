package io.relaychat.ports.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A stored message. {@code seq} is its position in the room: 1, 2, 3, ... never reused.
 * {@code clientId} is the sender's idempotency key, or null when the client sent none.
 */
public record ChatMessage(MessageId id, RoomId roomId, UserId userId, String username, String content,
                          Instant timestamp, List<String> attachments, long seq, String clientId) {
    public ChatMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(timestamp, "timestamp");
        attachments = List.copyOf(attachments);
        if (seq < 1) {
            throw new IllegalArgumentException("seq starts at 1, got " + seq);
        }
    }
}
