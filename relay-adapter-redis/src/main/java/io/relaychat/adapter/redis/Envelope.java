package io.relaychat.adapter.redis;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.MessageId;
import io.relaychat.ports.model.RoomEvent;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How room events travel between nodes: a JSON array of positional fields, not the client JSON with its
 * field names, opening with the format version and the node that published it.
 * <pre>
 * [1, origin, "m", id, room_id, user_id, username, content, timestamp_millis, [attachments], seq, client_id|null]
 * [1, origin, "j", room_id, user_id, username]            user joined
 * [1, origin, "t", room_id, user_id, username]            typing
 * [1, origin, "p", room_id, {user_id: username, ...}]     presence
 * </pre>
 * A reader skips envelopes of a version it does not know, so a cluster can be upgraded node by node once
 * a new version exists.
 */
final class Envelope {
    static final int VERSION = 1;
    private static final JsonFactory JSON = new JsonFactory();

    /** A decoded envelope: who published it and what. */
    record Received(String origin, RoomEvent event) {
    }

    private Envelope() {
    }

    static String encode(String origin, RoomEvent event) {
        StringWriter out = new StringWriter(160);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartArray();
            json.writeNumber(VERSION);
            json.writeString(origin);
            if (event instanceof RoomEvent.MessagePosted posted) {
                ChatMessage m = posted.message();
                json.writeString("m");
                json.writeString(m.id().value());
                json.writeString(m.roomId().value());
                json.writeString(m.userId().value());
                json.writeString(m.username());
                json.writeString(m.content());
                json.writeNumber(m.timestamp().toEpochMilli());
                json.writeStartArray();
                for (String attachment : m.attachments()) {
                    json.writeString(attachment);
                }
                json.writeEndArray();
                json.writeNumber(m.seq());
                if (m.clientId() == null) {
                    json.writeNull();
                } else {
                    json.writeString(m.clientId());
                }
            } else if (event instanceof RoomEvent.UserJoined joined) {
                json.writeString("j");
                json.writeString(joined.roomId().value());
                json.writeString(joined.userId().value());
                json.writeString(joined.username());
            } else if (event instanceof RoomEvent.Typing typing) {
                json.writeString("t");
                json.writeString(typing.roomId().value());
                json.writeString(typing.userId().value());
                json.writeString(typing.username());
            } else if (event instanceof RoomEvent.PresenceUpdate presence) {
                json.writeString("p");
                json.writeString(presence.roomId().value());
                json.writeStartObject();
                for (Map.Entry<UserId, String> online : presence.onlineUsers().entrySet()) {
                    json.writeStringField(online.getKey().value(), online.getValue());
                }
                json.writeEndObject();
            } else {
                throw new IllegalArgumentException("no envelope for " + event);
            }
            json.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** The envelope's content, or null when it is of a version this node does not read. */
    static Received decode(String text) {
        try (JsonParser json = JSON.createParser(text)) {
            expect(json, JsonToken.START_ARRAY);
            if (json.nextIntValue(-1) != VERSION) {
                return null;
            }
            String origin = json.nextTextValue();
            String type = json.nextTextValue();
            RoomEvent event = switch (type) {
                case "m" -> new RoomEvent.MessagePosted(new ChatMessage(new MessageId(json.nextTextValue()),
                        new RoomId(json.nextTextValue()), new UserId(json.nextTextValue()), json.nextTextValue(),
                        json.nextTextValue(), Instant.ofEpochMilli(json.nextLongValue(0)), strings(json),
                        json.nextLongValue(0), json.nextTextValue()));
                case "j" -> new RoomEvent.UserJoined(new RoomId(json.nextTextValue()), new UserId(json.nextTextValue()),
                        json.nextTextValue());
                case "t" -> new RoomEvent.Typing(new RoomId(json.nextTextValue()), new UserId(json.nextTextValue()),
                        json.nextTextValue());
                case "p" -> new RoomEvent.PresenceUpdate(new RoomId(json.nextTextValue()), users(json));
                default -> throw new IllegalArgumentException("unknown event type '" + type + "'");
            };
            return new Received(origin, event);
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed envelope: " + e.getMessage(), e);
        }
    }

    private static List<String> strings(JsonParser json) throws IOException {
        expect(json, JsonToken.START_ARRAY);
        List<String> values = new ArrayList<>();
        while (json.nextToken() == JsonToken.VALUE_STRING) {
            values.add(json.getText());
        }
        return values;
    }

    private static Map<UserId, String> users(JsonParser json) throws IOException {
        expect(json, JsonToken.START_OBJECT);
        Map<UserId, String> users = new LinkedHashMap<>();
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            UserId id = new UserId(json.getCurrentName());
            users.put(id, json.nextTextValue());
        }
        return users;
    }

    private static void expect(JsonParser json, JsonToken token) throws IOException {
        if (json.nextToken() != token) {
            throw new IllegalArgumentException("expected " + token + " at " + json.currentLocation());
        }
    }
}
