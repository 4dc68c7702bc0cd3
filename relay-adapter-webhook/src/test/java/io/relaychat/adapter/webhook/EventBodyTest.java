package io.relaychat.adapter.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.MessageId;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.out.RoomActivity.MessagePosted;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The bodies receivers read, field by field as docs/webhooks.md shows them. */
class EventBodyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aPostedMessageCarriesTheMessageAsTheProtocolShowsItWithItsSeq() throws Exception {
        JsonNode body = JSON.readTree(EventBody.encode(Events.message("room-1", 42, "hello"), "event-1"));

        assertEquals(JSON.readTree("""
                {"event": "message_posted", "id": "event-1", "timestamp": "2026-12-03T12:00:00.123Z",
                 "room_id": "room-1",
                 "data": {"message": {"id": "m-room-1-42", "room_id": "room-1", "user_id": "user-ann",
                          "username": "ann", "content": "hello", "timestamp": "2026-12-03T12:00:00.123Z",
                          "attachments": ["/static/uploads/x.png"], "seq": 42, "client_id": "client-42"}}}
                """), body);
        assertEquals(List.of("event", "id", "timestamp", "room_id", "data"), fieldNames(body));
    }

    @Test
    void aMessageSentWithoutAClientIdHasNoClientIdField() throws Exception {
        ChatMessage message = new ChatMessage(new MessageId("m"), new RoomId("r"), Events.ANN, "ann", "hi", Events.AT,
                List.of(), 1, null);

        JsonNode body = JSON.readTree(EventBody.encode(new MessagePosted(message), "e"));

        assertFalse(body.path("data").path("message").has("client_id"));
    }

    @Test
    void aCreatedRoomCarriesTheRoomAsTheProtocolShowsItAndItsCreator() throws Exception {
        JsonNode body = JSON.readTree(EventBody.encode(Events.roomCreated("room-1"), "event-2"));

        assertEquals(JSON.readTree("""
                {"event": "room_created", "id": "event-2", "timestamp": "2026-12-03T12:00:00.123Z",
                 "room_id": "room-1",
                 "data": {"room": {"id": "room-1", "name": "general", "type": "group",
                                   "members": ["user-ann", "user-bob"], "created_at": "2026-12-03T12:00:00.123Z"},
                          "created_by": "user-ann"}}
                """), body);
    }

    @Test
    void membershipChangesSayWhoAndByWhom() throws Exception {
        JsonNode added = JSON.readTree(EventBody.encode(Events.memberAdded("room-1"), "event-3"));
        JsonNode removed = JSON.readTree(EventBody.encode(Events.memberRemoved("room-1"), "event-4"));

        assertEquals("member_added", added.path("event").asText());
        assertEquals(JSON.readTree("{\"user_id\": \"user-bob\", \"added_by\": \"user-ann\"}"), added.path("data"));
        assertEquals("member_removed", removed.path("event").asText());
        assertEquals(JSON.readTree("{\"user_id\": \"user-bob\", \"removed_by\": \"user-bob\"}"), removed.path("data"));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
