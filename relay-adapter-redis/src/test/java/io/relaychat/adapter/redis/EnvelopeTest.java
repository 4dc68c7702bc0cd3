package io.relaychat.adapter.redis;

import io.relaychat.ports.model.Appended;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.MessageId;
import io.relaychat.ports.model.NewMessage;
import io.relaychat.ports.model.RoomEvent;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnvelopeTest {
    private static final RoomId ROOM = new RoomId("r1");
    private static final UserId ANN = new UserId("u1");

    @Test
    void everyEventSurvivesTheTripWithItsOrigin() {
        ChatMessage message = new ChatMessage(new MessageId("m1"), ROOM, ANN, "ann", "héllo \"\\\n😀",
                Instant.parse("2026-01-02T03:04:05.678Z"), List.of("/static/uploads/a.png"), 42, "c-1");
        List<RoomEvent> events = List.of(
                new RoomEvent.MessagePosted(message),
                new RoomEvent.MessagePosted(new ChatMessage(new MessageId("m2"), ROOM, ANN, "ann", "x",
                        Instant.EPOCH, List.of(), 1, null)),
                new RoomEvent.UserJoined(ROOM, ANN, "ann"),
                new RoomEvent.Typing(ROOM, ANN, "ann"),
                new RoomEvent.PresenceUpdate(ROOM, Map.of(ANN, "ann", new UserId("u2"), "bob")),
                new RoomEvent.MemberLeft(ROOM, ANN),
                new RoomEvent.UserDisconnected(new RoomId("system:disconnects"), ANN));

        for (RoomEvent event : events) {
            Envelope.Received received = Envelope.decode(Envelope.encode("node-a", event));
            assertEquals("node-a", received.origin());
            assertEquals(event, received.event());
        }
    }

    @Test
    void aMessageEnvelopeIsCompact() {
        ChatMessage message = new ChatMessage(new MessageId("m1"), ROOM, ANN, "ann", "hi", Instant.EPOCH, List.of(), 7, null);

        String envelope = Envelope.encode("n", new RoomEvent.MessagePosted(message), 1767225600000L);

        assertEquals("[1,\"n\",\"m\",\"m1\",\"r1\",\"u1\",\"ann\",\"hi\",0,[],7,null,1767225600000]", envelope);
        assertEquals(1767225600000L, Envelope.decode(envelope).publishedAtMillis());
    }

    @Test
    void aMessageEnvelopeOfAnOlderNodeWithoutItsPublicationTimeIsStillRead() {
        ChatMessage message = new ChatMessage(new MessageId("m1"), ROOM, ANN, "ann", "hi", Instant.EPOCH, List.of(), 7, null);

        Envelope.Received received = Envelope.decode("[1,\"n\",\"m\",\"m1\",\"r1\",\"u1\",\"ann\",\"hi\",0,[],7,null]");

        assertEquals(new RoomEvent.MessagePosted(message), received.event());
        assertEquals(0, received.publishedAtMillis(), "not timed");
    }

    @Test
    void aHandedOnSendAndEveryAnswerSurviveTheTrip() {
        NewMessage send = new NewMessage(new MessageId("m1"), ROOM, ANN, "ann", "héllo \"\\\n😀",
                Instant.parse("2026-01-02T03:04:05.678Z"), List.of("/static/uploads/a.png"), "c-1");
        Appended stored = new Appended(send.withSeq(42), false);
        Appended duplicate = new Appended(send.withSeq(41), true);

        assertEquals(new Envelope.ForwardedSend("a", 7, send), Envelope.decodeForwarding(Envelope.encodeForward("a", 7, send)));
        assertEquals(new Envelope.ForwardAnswer("b", 7, stored, false, null),
                Envelope.decodeForwarding(Envelope.encodeAnswer("b", 7, stored)));
        assertEquals(new Envelope.ForwardAnswer("b", 8, duplicate, false, null),
                Envelope.decodeForwarding(Envelope.encodeAnswer("b", 8, duplicate)));
        assertEquals(new Envelope.ForwardAnswer("b", 9, null, true, "store down"),
                Envelope.decodeForwarding(Envelope.encodeFailure("b", 9, true, "store down")));
        assertEquals(new Envelope.ForwardAnswer("b", 10, null, false, "boom"),
                Envelope.decodeForwarding(Envelope.encodeFailure("b", 10, false, "boom")));
    }

    @Test
    void anEnvelopeOfAnotherVersionIsSkippedAndGarbageRefused() {
        assertNull(Envelope.decode("[2,\"n\",\"z\",\"whatever\"]"));
        assertThrows(IllegalArgumentException.class, () -> Envelope.decode("{\"not\":\"an envelope\"}"));
        assertTrue(Envelope.encode("n", new RoomEvent.Typing(ROOM, ANN, "ann")).startsWith("[1,"));
    }
}
