package io.relaychat.adapter.netty;

import com.fasterxml.jackson.core.JsonFactory;
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

import java.io.ByteArrayOutputStream;
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
 * The JSON shapes of the protocol (see docs/protocol.md). Events go straight through a streaming
 * generator because every chat message is encoded on the hot path; REST bodies are small maps, except
 * messages: a message has one writer, {@link #writeMessageFields}, used by the live frame and, through
 * {@link #MAPPER}, by REST history, so the two can never drift apart.
 */
final class WireFormat {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new SimpleModule("relaychat-wire").addSerializer(ChatMessage.class, new MessageSerializer()));
    private static final JsonFactory FACTORY = MAPPER.getFactory();

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

    /** One event as the UTF-8 text of a WebSocket frame. */
    static byte[] encode(ServerEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            writeEvent(json, event);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeEvent(JsonGenerator json, ServerEvent event) throws IOException {
        if (event instanceof RoomEvent.MessagePosted posted) {
            json.writeStringField("type", "chat_message");
            writeMessageFields(json, posted.message());
        } else if (event instanceof RoomEvent.PresenceUpdate presence) {
            json.writeStringField("type", "presence_update");
            json.writeStringField("room_id", presence.roomId().value());
            json.writeObjectFieldStart("online_users");
            for (Map.Entry<UserId, String> online : presence.onlineUsers().entrySet()) {
                json.writeStringField(online.getKey().value(), online.getValue());
            }
            json.writeEndObject();
        } else if (event instanceof RoomEvent.UserJoined joined) {
            json.writeStringField("type", "user_joined");
            json.writeStringField("room_id", joined.roomId().value());
            json.writeStringField("user_id", joined.userId().value());
            json.writeStringField("username", joined.username());
            json.writeStringField("message", joined.username() + " joined the room");
        } else if (event instanceof RoomEvent.Typing typing) {
            json.writeStringField("type", "typing");
            json.writeStringField("room_id", typing.roomId().value());
            json.writeStringField("user_id", typing.userId().value());
            json.writeStringField("username", typing.username());
        } else if (event instanceof ServerEvent.SystemNotice notice) {
            json.writeStringField("type", "system");
            json.writeStringField("message", notice.message());
        } else if (event instanceof ServerEvent.ErrorNotice error) {
            json.writeStringField("type", "error");
            json.writeStringField("message", error.message());
            json.writeStringField("code", error.reason().code());
            if (error.refusal().retryAfter() != null) {
                json.writeNumberField("retry_after_ms", retryAfter(error.refusal(), TimeUnit.MILLISECONDS));
            }
            if (error.clientId() != null) {
                json.writeStringField("client_id", error.clientId());
            }
        } else if (event instanceof ServerEvent.Pong) {
            json.writeStringField("type", "pong");
        } else {
            throw new IllegalArgumentException("no wire form for " + event);
        }
    }

    /** The fields of a message, in the protocol's order: the live frame puts "type" before them, REST does not. */
    static void writeMessageFields(JsonGenerator json, ChatMessage message) throws IOException {
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

    /** REST's Message object: the live frame's fields, through the same writer. */
    private static final class MessageSerializer extends JsonSerializer<ChatMessage> {
        @Override
        public void serialize(ChatMessage message, JsonGenerator json, SerializerProvider provider) throws IOException {
            json.writeStartObject();
            writeMessageFields(json, message);
            json.writeEndObject();
        }
    }
}
