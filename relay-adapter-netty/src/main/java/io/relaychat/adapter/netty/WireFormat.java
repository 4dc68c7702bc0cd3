package io.relaychat.adapter.netty;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomEvent;
import io.relaychat.ports.model.ServerEvent;
import io.relaychat.ports.model.User;
import io.relaychat.ports.model.UserId;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The JSON shapes of the protocol (see docs/protocol.md). Events are written straight into bytes
 * ({@link JsonBytes}) because every chat message is encoded on the hot path; REST bodies are small maps, except
 * messages: a message has one writer, {@link #writeMessageFields}, used by the live frame and, through
 * {@link #MAPPER}, by REST history, so the two can never drift apart.
 */
final class WireFormat {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new SimpleModule("relaychat-wire").addSerializer(ChatMessage.class, new MessageSerializer()));

    /** ISO-8601 UTC, always with milliseconds and "Z", as the protocol promises. */
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private WireFormat() {
    }

    /** 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z: the years written with four digits. */
    private static final long FOUR_DIGIT_YEARS_FROM = -62_167_219_200L;
    private static final long FOUR_DIGIT_YEARS_UNTIL = 253_402_300_800L;

    /**
     * {@link #TIMESTAMP}'s text, written digit by digit for the years of four digits: every message's timestamp is
     * written once per node, and the formatter's general machinery was half of the encoding's cost.
     */
    static String timestamp(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds < FOUR_DIGIT_YEARS_FROM || seconds >= FOUR_DIGIT_YEARS_UNTIL) {
            return TIMESTAMP.format(instant);
        }
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400));
        int secondOfDay = (int) Math.floorMod(seconds, 86_400);
        byte[] text = new byte[24];
        digits(text, 0, date.getYear(), 4);
        text[4] = '-';
        digits(text, 5, date.getMonthValue(), 2);
        text[7] = '-';
        digits(text, 8, date.getDayOfMonth(), 2);
        text[10] = 'T';
        digits(text, 11, secondOfDay / 3600, 2);
        text[13] = ':';
        digits(text, 14, secondOfDay / 60 % 60, 2);
        text[16] = ':';
        digits(text, 17, secondOfDay % 60, 2);
        text[19] = '.';
        digits(text, 20, instant.getNano() / 1_000_000, 3);
        text[23] = 'Z';
        return new String(text, StandardCharsets.ISO_8859_1);
    }

    private static void digits(byte[] text, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            text[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }

    /** Reads a timestamp cursor: with "Z" or an offset, or without either, meaning UTC. */
    static Instant parseTimestamp(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException withoutOffset) {
            return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
        }
    }

    static Map<String, Object> user(User user) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", user.id().value());
        json.put("email", user.email());
        json.put("username", user.username());
        json.put("created_at", timestamp(user.createdAt()));
        return json;
    }

    /** The short form the auth endpoints answer with, as the web UI stores it. */
    static Map<String, Object> userSummary(User user) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", user.id().value());
        json.put("email", user.email());
        json.put("username", user.username());
        return json;
    }

    static Map<String, Object> room(Room room) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", room.id().value());
        json.put("name", room.name());
        json.put("type", room.type().wireName());
        List<String> members = new ArrayList<>(room.members().size());
        room.members().forEach(member -> members.add(member.value()));
        json.put("members", members);
        json.put("created_at", timestamp(room.createdAt()));
        return json;
    }

    /**
     * Every REST error body: the text the web UI shows, then the code clients tell errors apart by, then, for a
     * limit that frees up with time, when to try again.
     */
    static Map<String, Object> error(Refusal refusal) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("detail", refusal.message());
        json.put("code", refusal.reason().code());
        if (refusal.retryAfter() != null) {
            json.put("retry_after_ms", retryAfter(refusal, TimeUnit.MILLISECONDS));
        }
        return json;
    }

    /**
     * A refusal's wait in whole {@code unit}s, rounded up: a client that waits exactly this long is never early.
     * The one rounding of every {@code retry_after_ms} and {@code Retry-After}.
     */
    static long retryAfter(Refusal refusal, TimeUnit unit) {
        long nanos = refusal.retryAfter().toNanos();
        long perUnit = unit.toNanos(1);
        return nanos / perUnit + (nanos % perUnit == 0 ? 0 : 1);
    }

    static byte[] toJson(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final byte[] TYPE = JsonBytes.name("type");
    private static final byte[] ID = JsonBytes.name("id");
    private static final byte[] ROOM_ID = JsonBytes.name("room_id");
    private static final byte[] USER_ID = JsonBytes.name("user_id");
    private static final byte[] USERNAME = JsonBytes.name("username");
    private static final byte[] CONTENT = JsonBytes.name("content");
    private static final byte[] TIMESTAMP_FIELD = JsonBytes.name("timestamp");
    private static final byte[] ATTACHMENTS = JsonBytes.name("attachments");
    private static final byte[] SEQ = JsonBytes.name("seq");
    private static final byte[] CLIENT_ID = JsonBytes.name("client_id");
    private static final byte[] ONLINE_USERS = JsonBytes.name("online_users");
    private static final byte[] MESSAGE = JsonBytes.name("message");
    private static final byte[] CODE = JsonBytes.name("code");
    private static final byte[] RETRY_AFTER_MS = JsonBytes.name("retry_after_ms");

    /** One event as the UTF-8 text of a WebSocket frame. */
    static byte[] encode(ServerEvent event) {
        JsonBytes json = JsonBytes.start();
        if (event instanceof RoomEvent.MessagePosted posted) {
            json.field(TYPE, "chat_message");
            writeMessageFields(json, posted.message());
        } else if (event instanceof RoomEvent.PresenceUpdate presence) {
            json.field(TYPE, "presence_update").field(ROOM_ID, presence.roomId().value()).startObject(ONLINE_USERS);
            for (Map.Entry<UserId, String> online : presence.onlineUsers().entrySet()) {
                json.field(online.getKey().value(), online.getValue());
            }
            json.endObject();
        } else if (event instanceof RoomEvent.UserJoined joined) {
            json.field(TYPE, "user_joined").field(ROOM_ID, joined.roomId().value())
                    .field(USER_ID, joined.userId().value()).field(USERNAME, joined.username())
                    .field(MESSAGE, joined.username() + " joined the room");
        } else if (event instanceof RoomEvent.Typing typing) {
            json.field(TYPE, "typing").field(ROOM_ID, typing.roomId().value()).field(USER_ID, typing.userId().value())
                    .field(USERNAME, typing.username());
        } else if (event instanceof ServerEvent.SystemNotice notice) {
            json.field(TYPE, "system").field(MESSAGE, notice.message());
        } else if (event instanceof ServerEvent.ErrorNotice error) {
            json.field(TYPE, "error").field(MESSAGE, error.message()).field(CODE, error.reason().code());
            if (error.refusal().retryAfter() != null) {
                json.field(RETRY_AFTER_MS, retryAfter(error.refusal(), TimeUnit.MILLISECONDS));
            }
            if (error.clientId() != null) {
                json.field(CLIENT_ID, error.clientId());
            }
        } else if (event instanceof ServerEvent.Pong) {
            json.field(TYPE, "pong");
        } else {
            throw new IllegalArgumentException("no wire form for " + event);
        }
        return json.toBytes();
    }

    /** The fields of a message, in the protocol's order: the live frame puts "type" before them, REST does not. */
    private static void writeMessageFields(JsonBytes json, ChatMessage message) {
        json.field(ID, message.id().value())
                .field(ROOM_ID, message.roomId().value())
                .field(USER_ID, message.userId().value())
                .field(USERNAME, message.username())
                .field(CONTENT, message.content())
                .field(TIMESTAMP_FIELD, timestamp(message.timestamp()))
                .field(ATTACHMENTS, message.attachments())
                .field(SEQ, message.seq());
        if (message.clientId() != null) {
            json.field(CLIENT_ID, message.clientId());
        }
    }

    /** REST's Message object: the live frame's fields, through the same writer. */
    private static final class MessageSerializer extends JsonSerializer<ChatMessage> {
        @Override
        public void serialize(ChatMessage message, JsonGenerator json, SerializerProvider provider) throws IOException {
            JsonBytes object = JsonBytes.start();
            writeMessageFields(object, message);
            json.writeRawValue(new String(object.toBytes(), StandardCharsets.UTF_8));
        }
    }
}
