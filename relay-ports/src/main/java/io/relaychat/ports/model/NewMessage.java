package io.relaychat.ports.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** A message accepted by the rules, not yet stored: the store gives it its seq. */
public record NewMessage(MessageId id, RoomId roomId, UserId userId, String username, String content,
                         Instant timestamp, List<String> attachments, String clientId) {
    public NewMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(timestamp, "timestamp");
        attachments = List.copyOf(attachments);
    }

    public ChatMessage withSeq(long seq) {
        return new ChatMessage(id, roomId, userId, username, content, timestamp, attachments, seq, clientId);
    }
}
