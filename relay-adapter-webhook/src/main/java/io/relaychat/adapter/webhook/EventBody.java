package io.relaychat.adapter.webhook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.RoomActivity.Event;
import io.relaychat.ports.out.RoomActivity.MemberAdded;
import io.relaychat.ports.out.RoomActivity.MemberRemoved;
import io.relaychat.ports.out.RoomActivity.MessagePosted;
import io.relaychat.ports.out.RoomActivity.RoomCreated;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The JSON a receiver gets for one event (docs/webhooks.md): its name, its id, when it happened, its room, and its
 * data, with a message and a room in the shapes docs/protocol.md gives them, so that a receiver that reads the
 * WebSocket protocol reads these too.
 */
final class EventBody {
    private static final JsonFactory JSON = new JsonFactory();
    /** The protocol's timestamps: ISO-8601 UTC, always with milliseconds and "Z". */
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private EventBody() {
    }

    /** The event's name, as in the body's {@code event} field and the {@code X-Relay-Event} header. */
    static String name(Event event) {
        if (event instanceof MessagePosted) {
            return "message_posted";
        } else if (event instanceof RoomCreated) {
            return "room_created";
        } else if (event instanceof MemberAdded) {
            return "member_added";
        } else if (event instanceof MemberRemoved) {
            return "member_removed";
        }
        throw new IllegalArgumentException("no webhook for " + event);
    }

    static byte[] encode(Event event, String id) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("event", name(event));
            json.writeStringField("id", id);
            json.writeStringField("timestamp", timestamp(event.at()));
            json.writeStringField("room_id", event.roomId().value());
            json.writeObjectFieldStart("data");
            writeData(json, event);
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeData(JsonGenerator json, Event event) throws IOException {
        if (event instanceof MessagePosted posted) {
            json.writeObjectFieldStart("message");
            writeMessage(json, posted.message());
            json.writeEndObject();
        } else if (event instanceof RoomCreated created) {
            json.writeObjectFieldStart("room");
            writeRoom(json, created.room());
            json.writeEndObject();
            json.writeStringField("created_by", created.room().createdBy().value());
        } else if (event instanceof MemberAdded added) {
            json.writeStringField("user_id", added.userId().value());
            json.writeStringField("added_by", added.by().value());
        } else if (event instanceof MemberRemoved removed) {
            json.writeStringField("user_id", removed.userId().value());
            json.writeStringField("removed_by", removed.by().value());
        }
    }

    /** docs/protocol.md's Message, field for field: the {@code chat_message} frame without its {@code type}. */
    private static void writeMessage(JsonGenerator json, ChatMessage message) throws IOException {
        json.writeStringField("id", message.id().value());
        json.writeStringField("room_id", message.roomId().value());
        json.writeStringField("user_id", message.userId().value());
        json.writeStringField("username", message.username());
        json.writeStringField("content", message.content());
        json.writeStringField("timestamp", timestamp(message.timestamp()));
        json.writeArrayFieldStart("attachments");
        for (String attachment : message.attachments()) {
            json.writeString(attachment);
        }
        json.writeEndArray();
        json.writeNumberField("seq", message.seq());
        if (message.clientId() != null) {
            json.writeStringField("client_id", message.clientId());
        }
    }

    /** docs/protocol.md's Room. */
    private static void writeRoom(JsonGenerator json, Room room) throws IOException {
        json.writeStringField("id", room.id().value());
        json.writeStringField("name", room.name());
        json.writeStringField("type", room.type().wireName());
        json.writeArrayFieldStart("members");
        for (UserId member : room.members()) {
            json.writeString(member.value());
        }
        json.writeEndArray();
        json.writeStringField("created_at", timestamp(room.createdAt()));
    }

    static String timestamp(Instant instant) {
        return TIMESTAMP.format(instant);
    }
}
