package io.relaychat.adapter.netty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.relaychat.ports.in.ChatConnection;
import io.relaychat.ports.in.SendMessageCommand;
import io.relaychat.ports.model.InvalidCommandException;
import io.relaychat.ports.model.RoomId;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Turns one client text frame into a call on its connection. A malformed request is answered with an
 * error naming what is wrong and the connection stays usable.
 */
final class ClientRequests {
    static final String INVALID_JSON = "Invalid JSON";

    private ClientRequests() {
    }

    /** Thrown for a frame that cannot become a request; its message is what the client is told. */
    static final class BadRequest extends RuntimeException {
        final String clientId;

        BadRequest(String message, String clientId) {
            super(message, null, false, false);
            this.clientId = clientId;
        }
    }

    /** Carries out the request in {@code text}; throws {@link BadRequest} when it is malformed. */
    static CompletionStage<Void> dispatch(String text, ChatConnection connection, Runnable pong) {
        JsonNode frame;
        try {
            frame = WireFormat.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new BadRequest(INVALID_JSON, null);
        }
        if (frame == null || !frame.isObject()) {
            throw new BadRequest(INVALID_JSON, null);
        }
        String clientId = null;
        try {
            clientId = optionalText(frame, "client_id");
            String action = optionalText(frame, "action");
            if (action == null) {
                throw new BadRequest("Missing field: action", clientId);
            }
            switch (action) {
                case "join_room":
                    return connection.join(roomId(frame), optionalSeq(frame, "since_seq"));
                case "leave_room":
                    return connection.leave(roomId(frame));
                case "send_message":
                    return connection.send(new SendMessageCommand(roomIdOrNull(frame), optionalText(frame, "content"),
                            attachments(frame), clientId));
                case "typing":
                    return connection.typing(roomId(frame));
                case "ping":
                    pong.run();
                    return CompletableFuture.completedFuture(null);
                default:
                    throw new BadRequest("Unknown action: " + action, clientId);
            }
        } catch (InvalidCommandException e) {
            throw new BadRequest(e.getMessage(), clientId);
        }
    }

    private static RoomId roomId(JsonNode frame) {
        return new RoomId(optionalText(frame, "room_id"));
    }

    private static RoomId roomIdOrNull(JsonNode frame) {
        String value = optionalText(frame, "room_id");
        return value == null || value.isBlank() ? null : new RoomId(value);
    }

    private static String optionalText(JsonNode frame, String field) {
        JsonNode value = frame.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidCommandException(field, field + " must be a string");
        }
        return value.textValue();
    }

    private static Long optionalSeq(JsonNode frame, String field) {
        JsonNode value = frame.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.canConvertToLong() || !value.isIntegralNumber() || value.longValue() < 0) {
            throw new InvalidCommandException(field, field + " must be a non-negative integer");
        }
        return value.longValue();
    }

    private static List<String> attachments(JsonNode frame) {
        JsonNode value = frame.get("attachments");
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new InvalidCommandException("attachments", "attachments must be a list of URLs");
        }
        List<String> urls = new ArrayList<>(value.size());
        for (JsonNode url : value) {
            if (!url.isTextual()) {
                throw new InvalidCommandException("attachments", "attachments must be a list of URLs");
            }
            urls.add(url.textValue());
        }
        return urls;
    }
}
