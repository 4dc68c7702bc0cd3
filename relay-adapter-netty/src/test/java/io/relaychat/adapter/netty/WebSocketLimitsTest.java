package io.relaychat.adapter.netty;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.relaychat.ports.in.SendMessageCommand;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.RoomEvent;
import io.relaychat.ports.model.RoomId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.relaychat.adapter.netty.FakeChatConnection.done;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What one WebSocket may hold (here: 4 requests in flight, 64 KiB queued, 5 rate-limit refusals in 10 s), the
 * UTF-8 of its text, and a connection the core refuses.
 */
class WebSocketLimitsTest {
    private static final int IN_FLIGHT = 4;
    private static final int QUEUED = 64 * 1024;
    private static final String SEND = "{\"action\":\"send_message\",\"room_id\":\"r1\",\"content\":\"hi\"}";

    private final FakeChatConnection connection = new FakeChatConnection(FakeCore.ANN);
    private final FakeChat chat = new FakeChat(connection);
    private final TrackingAllocator allocator = new TrackingAllocator();
    private EmbeddedChannel channel;

    private EmbeddedChannel session() {
        TransportSettings settings = HttpHarness.settings().withWebSocketLimits(IN_FLIGHT, QUEUED, 5, Duration.ofSeconds(10));
        channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.config().setAllocator(allocator);
        channel.pipeline().addLast("websocket", new WebSocketSession(chat, FakeCore.ANN, settings));
        return channel;
    }

    @AfterEach
    void nothingLeaked() {
        assertEquals(List.of(), written(), "frames nobody looked at");
        assertFalse(channel.finishAndReleaseAll(), "messages left in the channel");
        assertEquals(List.of(), allocator.unreleased(), "buffers never released");
    }

    private void receiveText(String text) {
        channel.writeInbound(new TextWebSocketFrame(allocator.bytes(text)));
    }

    private List<String> written() {
        channel.runPendingTasks();
        List<String> frames = new ArrayList<>();
        for (Object written = channel.readOutbound(); written != null; written = channel.readOutbound()) {
            WebSocketFrame frame = OutboundFrames.asFrame(written);
            frames.add(frame instanceof CloseWebSocketFrame close ? "close " + close.statusCode() + " " + close.reasonText()
                    : frame instanceof TextWebSocketFrame text ? text.text() : frame.toString());
            frame.release();
        }
        return frames;
    }

    @Test
    void atTheBoundOfRequestsInFlightTheSocketIsNotReadUntilHalfOfThemAreAnswered() {
        session();
        List<CompletableFuture<Outcome<ChatMessage>>> answers = new ArrayList<>();
        connection.onSend = command -> {
            CompletableFuture<Outcome<ChatMessage>> answer = new CompletableFuture<>();
            answers.add(answer);
            return answer;
        };
        for (int i = 0; i < IN_FLIGHT - 1; i++) {
            receiveText(SEND);
        }
        assertTrue(channel.config().isAutoRead());

        receiveText(SEND);
        assertFalse(channel.config().isAutoRead(), "four requests with the core: stop reading");
        answers.get(0).complete(Outcome.accepted(connection.stored(new SendMessageCommand(new RoomId("r1"), "hi", List.of(), null))));
        channel.runPendingTasks();
        assertFalse(channel.config().isAutoRead(), "three left: still too many");
        answers.get(1).complete(Outcome.rejected(Refusal.notMember()));
        channel.runPendingTasks();

        assertTrue(channel.config().isAutoRead(), "two left: read again");
        assertEquals(IN_FLIGHT, connection.requests.size(), "nothing the client sent was dropped");
        assertEquals(List.of("{\"type\":\"error\",\"message\":\"Access denied\",\"code\":\"not_member\"}"), written());
    }

    /** What waits for the event loop is bounded on its own; see SlowConsumersTest for Netty's buffer. */
    @Test
    void everyWriteHandedToTheEventLoopCountsTowardsTheBacklogOfASlowClient() {
        session();
        RoomEvent.Typing big = new RoomEvent.Typing(new RoomId("r1"), FakeCore.ANN.id(), "x".repeat(20 * 1024));
        for (int i = 0; i < 5; i++) {
            chat.tell(big); // from the core, before the event loop ran any of them: Netty's buffer is still empty
        }

        List<String> frames = written();
        assertEquals(4, frames.size(), "three frames, then the close: the fourth would have passed 64 KiB");
        assertEquals("close 1013 Client too slow", frames.get(3));
        assertFalse(channel.isOpen());
    }

    @Test
    void aTextFrameThatIsNotUtf8IsClosedWith1007AndNeverReachesTheCore() {
        session();
        byte[] notUtf8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        channel.writeInbound(new TextWebSocketFrame(allocator.bytes(notUtf8)));

        assertEquals(List.of("close 1007 bytes are not UTF-8"), written());
        assertEquals(List.of(), connection.requests);
    }

    @Test
    void aClientRefusedForItsRateAgainAndAgainIsClosedWith1008() {
        session();
        connection.onSend = command -> done(Outcome.rejected(Refusal.rateLimited(Duration.ofMillis(200))));
        String refused = "{\"type\":\"error\",\"message\":\"Rate limit exceeded\",\"code\":\"rate_limited\",\"retry_after_ms\":200}";
        for (int i = 0; i < 5; i++) {
            receiveText(SEND);
        }
        assertEquals(List.of(refused, refused, refused, refused, refused), written());
        channel.advanceTimeBy(11, TimeUnit.SECONDS);
        for (int i = 0; i < 5; i++) {
            receiveText(SEND);
        }
        assertEquals(5, written().size(), "five in a window is allowed, however often");
        assertTrue(channel.isOpen());

        receiveText(SEND);

        assertEquals(List.of(refused, "close 1008 Rate limit exceeded"), written());
    }

    @Test
    void aConnectionTheCoreRefusesGetsTheErrorThenACloseWith1008SayingTheSame() {
        chat.refusal = Refusal.tooManyConnectionsForUser(5);
        session();
        receiveText(SEND);

        assertEquals(List.of("{\"type\":\"error\",\"message\":\"Too many connections: at most 5 per user\","
                + "\"code\":\"too_many_connections\"}", "close 1008 Too many connections: at most 5 per user"), written());
        assertEquals(List.of(), connection.requests, "nothing reaches a connection the core never opened");
        assertFalse(channel.isOpen());
    }

    @Test
    void sinceSeqIsAnySeqUpToTwoToTheFiftyThird() {
        session();
        receiveText("{\"action\":\"join_room\",\"room_id\":\"r1\",\"since_seq\":9007199254740992}");

        assertEquals(List.of(new FakeChatConnection.Joined(new RoomId("r1"), 1L << 53)), connection.requests);
    }
}
