package io.relaychat.client;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The frames of docs/protocol.md, as written there, read into the client's records; and the client's own frames. */
class WireTest {

    @Test
    void readsEveryServerFrameOfTheProtocol() {
        assertEquals(new ChatMessage("m1", "r1", "u1", "ann", "hi", Instant.parse("2026-11-27T23:45:12.029Z"),
                        List.of("/static/uploads/a.png"), 42, "c-1"),
                event("{\"type\": \"chat_message\", \"id\": \"m1\", \"room_id\": \"r1\", \"user_id\": \"u1\", \"username\": \"ann\","
                        + " \"content\": \"hi\", \"timestamp\": \"2026-11-27T23:45:12.029Z\", \"attachments\": [\"/static/uploads/a.png\"],"
                        + " \"seq\": 42, \"client_id\": \"c-1\"}"));
        assertEquals(new SystemNotice("Joined room: general"), event("{\"type\": \"system\", \"message\": \"Joined room: general\"}"));
        assertEquals(new PresenceUpdate("r1", Map.of("u1", "ann", "u2", "bob")),
                event("{\"type\": \"presence_update\", \"room_id\": \"r1\", \"online_users\": {\"u1\": \"ann\", \"u2\": \"bob\"}}"));
        assertEquals(new UserJoined("r1", "u2", "bob", "bob joined the room"),
                event("{\"type\": \"user_joined\", \"room_id\": \"r1\", \"user_id\": \"u2\", \"username\": \"bob\", \"message\": \"bob joined the room\"}"));
        assertEquals(new Typing("r1", "u2", "bob"),
                event("{\"type\": \"typing\", \"room_id\": \"r1\", \"user_id\": \"u2\", \"username\": \"bob\"}"));
        assertEquals(new ServerError("Rate limit exceeded", "rate_limited", Duration.ofMillis(1250), "c-1"),
                event("{\"type\": \"error\", \"message\": \"Rate limit exceeded\", \"code\": \"rate_limited\", \"retry_after_ms\": 1250, \"client_id\": \"c-1\"}"));
        assertNull(event("{\"type\": \"pong\"}"));
        assertNull(event("{\"type\": \"something_new\", \"x\": 1}"), "a frame of a later version is passed over");
    }

    @Test
    void aMessageWithoutClientIdOrAttachmentsReadsAsSuch() {
        ChatMessage message = (ChatMessage) event("{\"type\": \"chat_message\", \"id\": \"m1\", \"room_id\": \"r1\","
                + " \"user_id\": \"u1\", \"username\": \"ann\", \"content\": \"\", \"timestamp\": \"2026-11-27T23:45:12.029Z\","
                + " \"attachments\": [], \"seq\": 1}");
        assertNull(message.clientId());
        assertEquals(List.of(), message.attachments());
    }

    @Test
    void writesTheClientFramesWithTheFieldsTheServerReads() {
        assertEquals(Map.of("action", "join_room", "room_id", "r1", "since_seq", 7),
                Wire.JSON.convertValue(Wire.read(Wire.joinRoom("r1", 7)), Map.class));
        assertEquals(Map.of("action", "send_message", "room_id", "r1", "content", "hi \"you\"", "client_id", "c-1"),
                Wire.JSON.convertValue(Wire.read(Wire.sendMessage("r1", "hi \"you\"", List.of(), "c-1")), Map.class));
        JsonNode withFile = Wire.read(Wire.sendMessage("r1", "", List.of("/static/uploads/x"), "c-2"));
        assertEquals("/static/uploads/x", withFile.path("attachments").path(0).asText());
        assertEquals("{\"action\":\"ping\"}", Wire.ping());
    }

    @Test
    void aRestErrorBodyBecomesARelayExceptionWithItsCode() {
        RelayException refused = Wire.refusal(429, Wire.read("{\"detail\": \"Rate limit exceeded\", \"code\": \"rate_limited\", \"retry_after_ms\": 900}"));
        assertEquals(429, refused.status());
        assertEquals("rate_limited", refused.code());
        assertEquals(Duration.ofMillis(900), refused.retryAfter());
        assertEquals("http_502", Wire.refusal(502, Wire.JSON.createObjectNode()).code());
    }

    private static RelayEvent event(String json) {
        return Wire.event(Wire.read(json));
    }
}
