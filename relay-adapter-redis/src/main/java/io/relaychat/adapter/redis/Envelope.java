package io.relaychat.adapter.redis;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.relaychat.ports.model.Appended;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.MessageId;
import io.relaychat.ports.model.NewMessage;
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
 * [1, origin, "m", id, room_id, user_id, username, content, timestamp_millis, [attachments], seq, client_id|null,
 *     published_at_millis]
 * [1, origin, "j", room_id, user_id, username]            user joined
 * [1, origin, "t", room_id, user_id, username]            typing
 * [1, origin, "p", room_id, {user_id: username, ...}]     presence
 * [1, origin, "l", room_id, user_id]                      a member left the room
 * </pre>
 * {@code published_at_millis} (the publishing node's wall clock, for the bus latency on the receiving node) was added
 * at the end of version 1: a node that does not know it reads the fields before it and ignores the rest, and a
 * message without it (from a node that does not write it) is read with 0, not timed. "l" was added to version 1
 * too: a node that predates it drops such an envelope as malformed, and until it is upgraded it learns that a member
 * left only when it next reads the room from the store.
 * A reader skips envelopes of a version it does not know, so a cluster can be upgraded node by node once
 * a new version exists. Sends handed from node to node have forms of their own ({@link #encodeForward}).
 */
final class Envelope {
    static final int VERSION = 1;
    private static final JsonFactory JSON = new JsonFactory();

    /** A decoded envelope: who published it and what, and when for a message (0: not said). */
    record Received(String origin, RoomEvent event, long publishedAtMillis) {
        Received(String origin, RoomEvent event) {
            this(origin, event, 0);
        }
    }

    private Envelope() {
    }

    static String encode(String origin, RoomEvent event) {
        return encode(origin, event, System.currentTimeMillis());
    }

    static String encode(String origin, RoomEvent event, long publishedAtMillis) {
        return write(json -> {
            json.writeNumber(VERSION);
            json.writeString(origin);
            if (event instanceof RoomEvent.MessagePosted posted) {
                json.writeString("m");
                writeMessage(json, posted.message());
                json.writeNumber(publishedAtMillis);
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
            } else if (event instanceof RoomEvent.MemberLeft left) {
                json.writeString("l");
                json.writeString(left.roomId().value());
                json.writeString(left.userId().value());
            } else if (event instanceof RoomEvent.UserDisconnected disconnected) {
                json.writeString("d");
                json.writeString(disconnected.roomId().value());
                json.writeString(disconnected.userId().value());
            } else {
                throw new IllegalArgumentException("no envelope for " + event);
            }
        });
    }

    /** The envelope's content, or null when it is of a version this node does not read. */
    static Received decode(String text) {
        try (JsonParser json = JSON.createParser(text)) {
            Header header = header(json);
            if (header == null) {
                return null;
            }
            String type = header.type();
            long[] publishedAt = {0};
            RoomEvent event = switch (type) {
                case "m" -> {
                    RoomEvent.MessagePosted posted = new RoomEvent.MessagePosted(readMessage(json));
                    publishedAt[0] = json.nextLongValue(0); // absent from an older node's envelope: 0
                    yield posted;
                }
                case "j" -> new RoomEvent.UserJoined(new RoomId(json.nextTextValue()), new UserId(json.nextTextValue()),
                        json.nextTextValue());
                case "t" -> new RoomEvent.Typing(new RoomId(json.nextTextValue()), new UserId(json.nextTextValue()),
                        json.nextTextValue());
                case "p" -> new RoomEvent.PresenceUpdate(new RoomId(json.nextTextValue()), users(json));
                case "l" -> new RoomEvent.MemberLeft(new RoomId(json.nextTextValue()), new UserId(json.nextTextValue()));
                case "d" -> new RoomEvent.UserDisconnected(new RoomId(json.nextTextValue()),
                        new UserId(json.nextTextValue()));
                default -> throw new IllegalArgumentException("unknown event type '" + type + "'");
            };
            return new Received(header.origin(), event, publishedAt[0]);
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed envelope: " + e.getMessage(), e);
        }
    }

    /** A send handed to the node that stores its room, or that node's answer; see {@link #encodeForward}. */
    sealed interface Forwarding {
        String origin();

        long request();
    }

    record ForwardedSend(String origin, long request, NewMessage message) implements Forwarding {
    }

    /** {@code appended} when stored (or found stored); else why not, and whether the store was unavailable. */
    record ForwardAnswer(String origin, long request, Appended appended, boolean storeUnavailable, String failure)
            implements Forwarding {
    }

    /**
     * <pre>
     * [1, origin, "s", request, id, room_id, user_id, username, content, timestamp_millis, [attachments], client_id|null]
     * [1, origin, "a", request, "stored"|"duplicate", &lt;a stored message, as after "m"&gt;]
     * [1, origin, "a", request, "unavailable"|"failed", reason]
     * </pre>
     */
    static String encodeForward(String origin, long request, NewMessage message) {
        return write(json -> {
            start(json, origin, "s", request);
            writeMessageFields(json, message.id(), message.roomId(), message.userId(), message.username(),
                    message.content(), message.timestamp(), message.attachments());
            json.writeString(message.clientId());
        });
    }

    static String encodeAnswer(String origin, long request, Appended appended) {
        return write(json -> {
            start(json, origin, "a", request);
            json.writeString(appended.duplicate() ? "duplicate" : "stored");
            writeMessage(json, appended.message());
        });
    }

    static String encodeFailure(String origin, long request, boolean storageUnavailable, String reason) {
        return write(json -> {
            start(json, origin, "a", request);
            json.writeString(storageUnavailable ? "unavailable" : "failed");
            json.writeString(reason);
        });
    }

    /** The forwarding message, or null when it is of a version this node does not read. */
    static Forwarding decodeForwarding(String text) {
        try (JsonParser json = JSON.createParser(text)) {
            Header header = header(json);
            if (header == null) {
                return null;
            }
            String origin = header.origin();
            String type = header.type();
            long request = json.nextLongValue(-1);
            return switch (type) {
                case "s" -> new ForwardedSend(origin, request, new NewMessage(new MessageId(json.nextTextValue()),
                        new RoomId(json.nextTextValue()), new UserId(json.nextTextValue()), json.nextTextValue(),
                        json.nextTextValue(), Instant.ofEpochMilli(json.nextLongValue(0)), strings(json),
                        json.nextTextValue()));
                case "a" -> {
                    String outcome = json.nextTextValue();
                    yield switch (outcome) {
                        case "stored", "duplicate" -> new ForwardAnswer(origin, request,
                                new Appended(readMessage(json), outcome.equals("duplicate")), false, null);
                        case "unavailable", "failed" -> new ForwardAnswer(origin, request, null,
                                outcome.equals("unavailable"), json.nextTextValue());
                        default -> throw new IllegalArgumentException("unknown answer '" + outcome + "'");
                    };
                }
                default -> throw new IllegalArgumentException("unknown forwarding type '" + type + "'");
            };
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed envelope: " + e.getMessage(), e);
        }
    }

    private record Header(String origin, String type) {
    }

    /** Version, origin and type; null for a version this node does not read. */
    private static Header header(JsonParser json) throws IOException {
        expect(json, JsonToken.START_ARRAY);
        if (json.nextIntValue(-1) != VERSION) {
            return null;
        }
        return new Header(json.nextTextValue(), json.nextTextValue());
    }

    private interface Writer {
        void write(JsonGenerator json) throws IOException;
    }

    private static String write(Writer body) {
        StringWriter out = new StringWriter(160);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartArray();
            body.write(json);
            json.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void start(JsonGenerator json, String origin, String type, long request) throws IOException {
        json.writeNumber(VERSION);
        json.writeString(origin);
        json.writeString(type);
        json.writeNumber(request);
    }

    private static void writeMessage(JsonGenerator json, ChatMessage m) throws IOException {
        writeMessageFields(json, m.id(), m.roomId(), m.userId(), m.username(), m.content(), m.timestamp(), m.attachments());
        json.writeNumber(m.seq());
        json.writeString(m.clientId());
    }

    private static void writeMessageFields(JsonGenerator json, MessageId id, RoomId roomId, UserId userId, String username,
                                           String content, Instant timestamp, List<String> attachments) throws IOException {
        json.writeString(id.value());
        json.writeString(roomId.value());
        json.writeString(userId.value());
        json.writeString(username);
        json.writeString(content);
        json.writeNumber(timestamp.toEpochMilli());
        json.writeStartArray();
        for (String attachment : attachments) {
            json.writeString(attachment);
        }
        json.writeEndArray();
    }

    private static ChatMessage readMessage(JsonParser json) throws IOException {
        return new ChatMessage(new MessageId(json.nextTextValue()), new RoomId(json.nextTextValue()),
                new UserId(json.nextTextValue()), json.nextTextValue(), json.nextTextValue(),
                Instant.ofEpochMilli(json.nextLongValue(0)), strings(json), json.nextLongValue(0), json.nextTextValue());
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
