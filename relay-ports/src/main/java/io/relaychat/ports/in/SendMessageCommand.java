package io.relaychat.ports.in;

import io.relaychat.ports.model.InvalidCommandException;
import io.relaychat.ports.model.RoomId;

import java.util.List;

/**
 * A message as a client sends it. {@code clientId}, when present, makes the send idempotent:
 * a retry with the same key from the same user is stored once.
 * Content may be empty only when the message carries attachments, which are {@link Attachments#isAllowed} URLs.
 */
public record SendMessageCommand(RoomId roomId, String content, List<String> attachments, String clientId) {
    public static final int MAX_CLIENT_ID_LENGTH = 128;
    public static final int MAX_ATTACHMENTS = 10;

    public SendMessageCommand {
        if (roomId == null) {
            throw new InvalidCommandException("room_id", "room_id is required");
        }
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
        if (attachments.size() > MAX_ATTACHMENTS) {
            throw new InvalidCommandException("attachments", "at most " + MAX_ATTACHMENTS + " attachments");
        }
        for (String url : attachments) {
            if (!Attachments.isAllowed(url)) {
                throw new InvalidCommandException("attachments",
                        "attachments must be upload URLs of this server (" + Attachments.UPLOADS_PATH + "...) or https URLs");
            }
        }
        if (content == null || (content.isBlank() && attachments.isEmpty())) {
            throw new InvalidCommandException("content", "content must not be empty");
        }
        if (clientId != null && (clientId.isEmpty() || clientId.length() > MAX_CLIENT_ID_LENGTH)) {
            throw new InvalidCommandException("client_id",
                    "client_id must be 1 to " + MAX_CLIENT_ID_LENGTH + " characters");
        }
    }
}
