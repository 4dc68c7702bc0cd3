package io.relaychat.adapter.netty;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.MessageId;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.RoomEvent;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.ServerEvent;
import io.relaychat.ports.model.UserId;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The exact JSON of every server event and of REST messages and errors, as the web UI reads them. */
class WireFormatTest {
    private static final RoomId ROOM = new RoomId("r1");
    private static final UserId ANN = new UserId("u1");

    private static JsonNode encoded(ServerEvent event) throws IOException {
        return WireFormat.MAPPER.readTree(WireFormat.encode(event));
    }

    private static JsonNode json(String text) throws IOException {
        return WireFormat.MAPPER.readTree(text.replace('\'', '"'));
    }

    @Test
    void chatMessage() throws IOException {
        ChatMessage message = new ChatMessage(new MessageId("m1"), ROOM, ANN, "ann", "hi \"there\"\n",
                Instant.parse("2026-01-02T03:04:05Z"), List.of("/static/uploads/a.png"), 7, "c-1");

        assertEquals(json("{'type':'chat_message','id':'m1','room_id':'r1','user_id':'u1','username':'ann',"
                + "'content':'hi \\'there\\'\\n','timestamp':'2026-01-02T03:04:05.000Z',"
                + "'attachments':['/static/uploads/a.png'],'seq':7,'client_id':'c-1'}"), encoded(new RoomEvent.MessagePosted(message)));
    }

    @Test
    void restHistoryAndTheLiveFrameWriteAMessageFieldByFieldAlikeButForType() throws IOException {
        ChatMessage message = new ChatMessage(new MessageId("m1"), ROOM, ANN, "ann", "hi \"there\"\n",
                Instant.parse("2026-01-02T03:04:05Z"), List.of("/static/uploads/a.png"), 7, "c-1");
        ChatMessage withoutClientId = new ChatMessage(new MessageId("m2"), ROOM, ANN, "ann", "",
                Instant.EPOCH, List.of(), 8, null);

        for (ChatMessage each : List.of(message, withoutClientId)) {
            JsonNode live = encoded(new RoomEvent.MessagePosted(each));
            JsonNode rest = WireFormat.MAPPER.readTree(WireFormat.toJson(List.of(each))).get(0);
            List<String> liveFields = new ArrayList<>();
            live.fieldNames().forEachRemaining(liveFields::add);
            List<String> restFields = new ArrayList<>();
            rest.fieldNames().forEachRemaining(restFields::add);

            assertEquals("type", liveFields.remove(0));
            assertEquals(liveFields, restFields, "the same fields in the same order");
            for (String field : restFields) {
                assertEquals(live.get(field), rest.get(field), field);
            }
        }
    }

    @Test
    void restMessageIsExactlyTheShapeTheWebUiReads() {
        ChatMessage message = new ChatMessage(new MessageId("m1"), ROOM, ANN, "ann", "hi",
                Instant.parse("2026-01-02T03:04:05Z"), List.of("/static/uploads/a.png"), 7, null);

        assertEquals("[{\"id\":\"m1\",\"room_id\":\"r1\",\"user_id\":\"u1\",\"username\":\"ann\",\"content\":\"hi\","
                + "\"timestamp\":\"2026-01-02T03:04:05.000Z\",\"attachments\":[\"/static/uploads/a.png\"],\"seq\":7}]",
                new String(WireFormat.toJson(List.of(message)), StandardCharsets.UTF_8));
    }

    @Test
    void anErrorFrameCarriesItsCodeRightAfterTheMessage() {
        assertEquals("{\"type\":\"error\",\"message\":\"Access denied\",\"code\":\"not_member\",\"client_id\":\"c-9\"}",
                new String(WireFormat.encode(new ServerEvent.ErrorNotice(Refusal.notMember(), "c-9")), StandardCharsets.UTF_8));
        assertEquals("{\"type\":\"error\",\"message\":\"Invalid JSON\",\"code\":\"invalid_json\"}",
                new String(WireFormat.encode(new ServerEvent.ErrorNotice(Refusal.invalidJson())), StandardCharsets.UTF_8));
    }

    @Test
    void aRefusalThatSaysWhenToRetryCarriesRetryAfterMsAfterTheCodeAndBeforeTheClientId() {
        assertEquals("{\"type\":\"error\",\"message\":\"Rate limit exceeded\",\"code\":\"rate_limited\","
                        + "\"retry_after_ms\":1250,\"client_id\":\"c-9\"}",
                new String(WireFormat.encode(new ServerEvent.ErrorNotice(Refusal.rateLimited(Duration.ofMillis(1250)), "c-9")),
                        StandardCharsets.UTF_8));
        assertEquals("{\"detail\":\"Rate limit exceeded\",\"code\":\"rate_limited\",\"retry_after_ms\":1}",
                new String(WireFormat.toJson(WireFormat.error(Refusal.rateLimited(Duration.ofNanos(1)))), StandardCharsets.UTF_8),
                "rounded up, never early");
    }

    @Test
    void aRestErrorIsItsDetailThenItsCode() {
        assertEquals("{\"detail\":\"Access denied\",\"code\":\"not_member\"}",
                new String(WireFormat.toJson(WireFormat.error(Refusal.notMember())), StandardCharsets.UTF_8));
    }

    @Test
    void withoutAClientIdTheFieldIsAbsent() throws IOException {
        ChatMessage message = new ChatMessage(new MessageId("m1"), ROOM, ANN, "ann", "x", Instant.EPOCH, List.of(), 1, null);

        assertEquals(false, encoded(new RoomEvent.MessagePosted(message)).has("client_id"));
    }

    @Test
    void presenceJoinTypingSystemErrorPong() throws IOException {
        assertEquals(json("{'type':'presence_update','room_id':'r1','online_users':{'u1':'ann'}}"),
                encoded(new RoomEvent.PresenceUpdate(ROOM, Map.of(ANN, "ann"))));
        assertEquals(json("{'type':'user_joined','room_id':'r1','user_id':'u1','username':'ann','message':'ann joined the room'}"),
                encoded(new RoomEvent.UserJoined(ROOM, ANN, "ann")));
        assertEquals(json("{'type':'typing','room_id':'r1','user_id':'u1','username':'ann'}"),
                encoded(new RoomEvent.Typing(ROOM, ANN, "ann")));
        assertEquals(json("{'type':'system','message':'Joined room: general'}"),
                encoded(new ServerEvent.SystemNotice("Joined room: general")));
        assertEquals(json("{'type':'error','message':'Access denied','code':'not_member','client_id':'c-9'}"),
                encoded(new ServerEvent.ErrorNotice(Refusal.notMember(), "c-9")));
        assertEquals(json("{'type':'pong'}"), encoded(new ServerEvent.Pong()));
    }

    @Test
    void timestampsAlwaysHaveMillisecondsAndZ() {
        assertEquals("2026-01-02T03:04:05.000Z", WireFormat.timestamp(Instant.parse("2026-01-02T03:04:05Z")));
        assertEquals("2026-01-02T03:04:05.120Z", WireFormat.timestamp(Instant.parse("2026-01-02T03:04:05.120999Z")));
    }

    @Test
    void timestampCursorsAreReadWithZOffsetOrNoZone() {
        Instant expected = Instant.parse("2026-01-02T03:04:05.123Z");

        assertEquals(expected, WireFormat.parseTimestamp("2026-01-02T03:04:05.123Z"));
        assertEquals(expected, WireFormat.parseTimestamp("2026-01-02T04:04:05.123+01:00"));
        assertEquals(expected, WireFormat.parseTimestamp("2026-01-02T03:04:05.123"));
    }

    /** What the protocol promises (ISO-8601 UTC, milliseconds, "Z"), as the JDK's formatter writes it, for any instant. */
    @Test
    void timestampsAreTheFormattersTextForEveryInstantFromYearZeroToPastYear9999() {
        java.time.format.DateTimeFormatter reference = java.time.format.DateTimeFormatter
                .ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC);
        List<Instant> instants = new ArrayList<>(List.of(Instant.EPOCH, Instant.ofEpochMilli(-1),
                Instant.parse("2024-02-29T23:59:59.999Z"), Instant.parse("1969-12-31T23:59:59.001Z"),
                Instant.parse("0000-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.999999999Z"),
                Instant.parse("+10000-01-01T00:00:00Z"), Instant.parse("-0001-12-31T23:59:59Z"),
                Instant.parse("2026-12-02T03:04:05.000600Z")));
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 100_000; i++) {
            instants.add(Instant.ofEpochSecond(-62_167_219_200L + (long) (random.nextDouble() * 315_569_520_000L),
                    random.nextInt(1_000_000_000)));
        }
        for (Instant instant : instants) {
            assertEquals(reference.format(instant), WireFormat.timestamp(instant), instant::toString);
        }
    }
}
