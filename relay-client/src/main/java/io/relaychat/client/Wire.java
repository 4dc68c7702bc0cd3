package io.relaychat.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The protocol's JSON (docs/protocol.md) both ways: the client's frames and REST bodies out, the server's frames and
 * REST answers in as the client's records. Read by field name, and tolerant of fields it does not know, so that a
 * server adding some breaks nothing. Thread-safe.
 */
final class Wire {
    static final ObjectMapper JSON = new ObjectMapper();

    private Wire() {
    }

    static JsonNode read(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
    }

    static JsonNode read(byte[] bytes) {
        try {
            return bytes.length == 0 ? JSON.nullNode() : JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
    }

    // The client's frames.

    static String joinRoom(String roomId, long sinceSeq) {
        ObjectNode frame = JSON.createObjectNode().put("action", "join_room").put("room_id", roomId);
        frame.put("since_seq", sinceSeq);
        return frame.toString();
    }

    static String leaveRoom(String roomId) {
        return JSON.createObjectNode().put("action", "leave_room").put("room_id", roomId).toString();
    }

    static String typing(String roomId) {
        return JSON.createObjectNode().put("action", "typing").put("room_id", roomId).toString();
    }

    static String ping() {
        return JSON.createObjectNode().put("action", "ping").toString();
    }

    static String sendMessage(String roomId, String content, List<String> attachments, String clientId) {
        ObjectNode frame = JSON.createObjectNode().put("action", "send_message").put("room_id", roomId)
                .put("content", content);
        if (!attachments.isEmpty()) {
            ArrayNode urls = frame.putArray("attachments");
            attachments.forEach(urls::add);
        }
        frame.put("client_id", clientId);
        return frame.toString();
    }

    // The server's frames and REST objects.

    /** The event a server frame stands for; null for a pong and for a type this client does not know. */
    static RelayEvent event(JsonNode frame) {
        switch (frame.path("type").asText("")) {
            case "chat_message":
                return message(frame);
            case "typing":
                return new Typing(text(frame, "room_id"), text(frame, "user_id"), text(frame, "username"));
            case "presence_update":
                Map<String, String> online = new LinkedHashMap<>();
                frame.path("online_users").properties().forEach(user -> online.put(user.getKey(), user.getValue().asText()));
                return new PresenceUpdate(text(frame, "room_id"), online);
            case "user_joined":
                return new UserJoined(text(frame, "room_id"), text(frame, "user_id"), text(frame, "username"),
                        text(frame, "message"));
            case "system":
                return new SystemNotice(text(frame, "message"));
            case "error":
                return error(frame);
            default:
                return null;
        }
    }

    static ServerError error(JsonNode frame) {
        JsonNode retry = frame.get("retry_after_ms");
        return new ServerError(text(frame, "message"), text(frame, "code"),
                retry != null && retry.canConvertToLong() ? Duration.ofMillis(retry.asLong()) : null,
                text(frame, "client_id"));
    }

    /** A live {@code chat_message} frame and a REST Message alike: they share their fields. */
    static ChatMessage message(JsonNode json) {
        List<String> attachments = new ArrayList<>();
        json.path("attachments").forEach(url -> attachments.add(url.asText()));
        return new ChatMessage(text(json, "id"), text(json, "room_id"), text(json, "user_id"), text(json, "username"),
                text(json, "content"), instant(json, "timestamp"), attachments, json.path("seq").asLong(),
                text(json, "client_id"));
    }

    static List<ChatMessage> messages(JsonNode json) {
        List<ChatMessage> messages = new ArrayList<>();
        json.forEach(message -> messages.add(message(message)));
        return messages;
    }

    static User user(JsonNode json) {
        return new User(text(json, "id"), text(json, "email"), text(json, "username"), instant(json, "created_at"));
    }

    static List<User> users(JsonNode json) {
        List<User> users = new ArrayList<>();
        json.forEach(user -> users.add(user(user)));
        return users;
    }

    static Room room(JsonNode json) {
        List<String> members = new ArrayList<>();
        json.path("members").forEach(member -> members.add(member.asText()));
        return new Room(text(json, "id"), text(json, "name"), text(json, "type"), members, instant(json, "created_at"));
    }

    static List<Room> rooms(JsonNode json) {
        List<Room> rooms = new ArrayList<>();
        json.forEach(room -> rooms.add(room(room)));
        return rooms;
    }

    /** A REST error body ({@code detail}, {@code code}, maybe {@code retry_after_ms}) with its status. */
    static RelayException refusal(int status, JsonNode body) {
        JsonNode retry = body.get("retry_after_ms");
        String detail = text(body, "detail");
        return new RelayException(status, body.path("code").asText("http_" + status),
                detail == null ? "HTTP " + status : detail,
                retry != null && retry.canConvertToLong() ? Duration.ofMillis(retry.asLong()) : null);
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static Instant instant(JsonNode json, String field) {
        String text = text(json, field);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null; // a timestamp this client cannot read is not worth losing the message for
        }
    }
}
