package io.relaychat.adapter.netty;

import io.relaychat.ports.model.RoomId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * What a client frame reads as: the request it names with its fields, whatever else the frame holds, or the error
 * the client is told, naming the field at fault and echoing the frame's client_id.
 */
class ClientRequestsTest {

    @Test
    void aSendReadsItsFieldsInAnyOrderAndSkipsFieldsNoRequestHas() {
        ClientRequest.Send send = assertInstanceOf(ClientRequest.Send.class, ClientRequests.parse(
                "{\"extra\":{\"deep\":[1,{\"x\":[]}]},\"content\":\"hi \\\"you\\\" \\u00e9\",\"attachments\":[\"/static/uploads/a.png\",\"https://example.com/b\"],"
                        + "\"room_id\":\"r1\",\"client_id\":\"c-1\",\"action\":\"send_message\",\"n\":1.5}"));

        assertEquals(new RoomId("r1"), send.command().roomId());
        assertEquals("hi \"you\" \u00e9", send.command().content());
        assertEquals(List.of("/static/uploads/a.png", "https://example.com/b"), send.command().attachments());
        assertEquals("c-1", send.clientId());
    }

    @Test
    void aJoinReadsSinceSeqAndANullOneIsNone() {
        ClientRequest.Join join = assertInstanceOf(ClientRequest.Join.class,
                ClientRequests.parse("{\"action\":\"join_room\",\"room_id\":\"r1\",\"since_seq\":9007199254740993}"));
        ClientRequest.Join fresh = assertInstanceOf(ClientRequest.Join.class,
                ClientRequests.parse("{\"action\":\"join_room\",\"room_id\":\"r1\",\"since_seq\":null}"));

        assertEquals(9_007_199_254_740_993L, join.sinceSeq());
        assertNull(fresh.sinceSeq());
    }

    @Test
    void theLastOfAFieldWrittenTwiceCountsAndWhatFollowsTheObjectIsIgnored() {
        ClientRequest.Send send = assertInstanceOf(ClientRequest.Send.class, ClientRequests.parse(
                "{\"action\":\"send_message\",\"room_id\":5,\"room_id\":\"r2\",\"content\":\"x\"} trailing"));

        assertEquals(new RoomId("r2"), send.command().roomId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "\"send\"", "42", "{", "{\"action\":\"ping\"", "{\"action\" \"ping\"}",
            "{\"action\":\"ping\",}", "{'action':'ping'}"})
    void whatIsNotAJsonObjectIsInvalidJson(String text) {
        ClientRequests.BadRequest bad = assertThrows(ClientRequests.BadRequest.class, () -> ClientRequests.parse(text));

        assertEquals("invalid_json", bad.notice().reason().code());
    }

    @Test
    void anUnknownFieldNestedTooDeepIsInvalidJsonNotAStackOverflow() {
        String deep = "{\"action\":\"ping\",\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";

        assertEquals("invalid_json", refusal(deep).notice().reason().code());
    }

    @Test
    void aFieldOfTheWrongKindIsNamedAndTheClientIdEchoed() {
        assertRefused("{\"action\":\"send_message\",\"room_id\":\"r\",\"content\":7,\"client_id\":\"c-9\"}",
                "content must be a string", "c-9");
        assertRefused("{\"action\":\"send_message\",\"room_id\":\"r\",\"content\":\"x\",\"attachments\":[\"/a\",null]}",
                "attachments must be a list of URLs", null);
        assertRefused("{\"action\":\"send_message\",\"room_id\":\"r\",\"content\":\"x\",\"attachments\":\"/a\"}",
                "attachments must be a list of URLs", null);
        assertRefused("{\"action\":\"join_room\",\"room_id\":\"r\",\"since_seq\":-1}",
                "since_seq must be a non-negative integer", null);
        assertRefused("{\"action\":\"join_room\",\"room_id\":\"r\",\"since_seq\":1.0}",
                "since_seq must be a non-negative integer", null);
        assertRefused("{\"action\":\"join_room\",\"room_id\":\"r\",\"since_seq\":99999999999999999999}",
                "since_seq must be a non-negative integer", null);
        assertRefused("{\"action\":\"join_room\",\"room_id\":\"r\",\"since_seq\":\"3\"}",
                "since_seq must be a non-negative integer", null);
        assertRefused("{\"action\":[\"join_room\"]}", "action must be a string", null);
    }

    @Test
    void aClientIdOfTheWrongKindIsRefusedBeforeAnythingElse() {
        assertRefused("{\"client_id\":{},\"content\":7}", "client_id must be a string", null);
    }

    @Test
    void aFieldTheActionDoesNotReadIsNotChecked() {
        ClientRequest.Join join = assertInstanceOf(ClientRequest.Join.class,
                ClientRequests.parse("{\"action\":\"join_room\",\"room_id\":\"r\",\"content\":{\"not\":\"text\"}}"));

        assertEquals(new RoomId("r"), join.roomId());
    }

    @Test
    void aMissingOrUnknownActionIsSaidSo() {
        assertEquals("Missing field: action", refusal("{\"room_id\":\"r\",\"client_id\":\"c\"}").notice().message());
        assertEquals("c", refusal("{\"room_id\":\"r\",\"client_id\":\"c\"}").notice().clientId());
        assertEquals("unknown_action", refusal("{\"action\":\"dance\"}").notice().reason().code());
    }

    private static ClientRequests.BadRequest refusal(String text) {
        return assertThrows(ClientRequests.BadRequest.class, () -> ClientRequests.parse(text));
    }

    private static void assertRefused(String text, String message, String clientId) {
        ClientRequests.BadRequest bad = refusal(text);
        assertEquals("invalid_field", bad.notice().reason().code(), text);
        assertEquals(message, bad.notice().message(), text);
        assertEquals(clientId, bad.notice().clientId(), text);
    }
}
