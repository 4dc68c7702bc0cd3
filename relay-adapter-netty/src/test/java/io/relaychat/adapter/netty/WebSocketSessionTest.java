package io.relaychat.adapter.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.relaychat.ports.in.SendMessageCommand;
import io.relaychat.ports.model.Broadcast;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.MessageId;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.RoomEvent;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.ServerEvent;
import io.relaychat.ports.model.StorageUnavailableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static io.relaychat.adapter.netty.FakeChatConnection.done;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One WebSocket on an embedded channel, with a fake core behind it: what the client sends and what it is told. */
class WebSocketSessionTest {
    private static final int MAX_FRAME_BYTES = 1024;
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(10);
    private static final RoomId ROOM = new RoomId("r1");

    private final FakeChatConnection connection = new FakeChatConnection(FakeCore.ANN);
    private final FakeChat chat = new FakeChat(connection);
    private final TrackingAllocator allocator = new TrackingAllocator();
    private EmbeddedChannel channel = session(chat);

    private static TransportSettings settings() {
        return new TransportSettings("127.0.0.1", 0, List.of("*"), 1024 * 1024, MAX_FRAME_BYTES, IDLE_TIMEOUT, 1);
    }

    /** A session on its own channel, with {@code before} in front of it (the frame decoder, for raw bytes). */
    private EmbeddedChannel session(FakeChat core, ChannelHandler... before) {
        EmbeddedChannel embedded = new EmbeddedChannel(before);
        embedded.config().setAllocator(allocator);
        embedded.pipeline().addLast("websocket", new WebSocketSession(core, FakeCore.ANN, settings()));
        return embedded;
    }

    /** Every test ends here: nothing left unread in the channel, and every buffer it was given or made released. */
    @AfterEach
    void nothingLeaked() {
        assertEquals(List.of(), written(), "frames nobody looked at");
        assertFalse(channel.finishAndReleaseAll(), "messages left in the channel");
        assertEquals(List.of(), allocator.unreleased(), "buffers never released");
    }

    private void receive(WebSocketFrame frame) {
        channel.writeInbound(frame);
    }

    private void receiveText(String text) {
        receive(new TextWebSocketFrame(allocator.bytes(text)));
    }

    /** What the session wrote, once the event loop ran what was queued: text as JSON, other frames named. */
    private List<String> written() {
        channel.runPendingTasks();
        List<String> frames = new ArrayList<>();
        for (Object written = channel.readOutbound(); written != null; written = channel.readOutbound()) {
            WebSocketFrame frame = OutboundFrames.asFrame(written);
            frames.add(describe(frame));
            assertTrue(frame.release(), "a frame written is released once the socket took it");
        }
        return frames;
    }

    private static String describe(WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame text) {
            return text.text();
        }
        if (frame instanceof CloseWebSocketFrame close) {
            return "close " + close.statusCode() + " " + close.reasonText();
        }
        String payload = frame.content().toString(StandardCharsets.UTF_8);
        return (frame instanceof PongWebSocketFrame ? "pong " : frame instanceof PingWebSocketFrame ? "ping " : "? ") + payload;
    }

    @Test
    void aTextRequestReachesTheConnectionAndAnAcceptedOneIsAnsweredByTheCoreAlone() {
        receiveText("{\"action\":\"send_message\",\"room_id\":\"r1\",\"content\":\"hi\",\"attachments\":[\"/static/uploads/a.png\"],\"client_id\":\"c-1\"}");
        receiveText("{\"action\":\"join_room\",\"room_id\":\"r1\",\"since_seq\":7}");
        receiveText("{\"action\":\"typing\",\"room_id\":\"r1\"}");
        receiveText("{\"action\":\"leave_room\",\"room_id\":\"r1\"}");

        assertEquals(List.of(new SendMessageCommand(ROOM, "hi", List.of("/static/uploads/a.png"), "c-1"),
                new FakeChatConnection.Joined(ROOM, 7L), new FakeChatConnection.Typed(ROOM),
                new FakeChatConnection.Left(ROOM)), connection.requests);
        assertEquals(List.of(), written());
    }

    @Test
    void aRejectedSendBecomesAnErrorFrameWithMessageCodeAndClientId() {
        connection.onSend = command -> done(Outcome.rejected(Refusal.notMember()));

        receiveText("{\"action\":\"send_message\",\"room_id\":\"r1\",\"content\":\"hi\",\"client_id\":\"c-1\"}");

        assertEquals(List.of("{\"type\":\"error\",\"message\":\"Access denied\",\"code\":\"not_member\",\"client_id\":\"c-1\"}"),
                written());
    }

    @Test
    void aRejectedJoinOrTypingBecomesAnErrorFrameWithoutClientId() {
        connection.onJoin = roomId -> done(Outcome.rejected(Refusal.notMemberOfRoomToJoin()));
        connection.onTyping = roomId -> done(Outcome.rejected(Refusal.notJoined()));

        receiveText("{\"action\":\"join_room\",\"room_id\":\"r1\",\"client_id\":\"ignored\"}");
        receiveText("{\"action\":\"typing\",\"room_id\":\"r1\"}");

        assertEquals(List.of("{\"type\":\"error\",\"message\":\"Access denied to room\",\"code\":\"not_member\"}",
                "{\"type\":\"error\",\"message\":\"Join the room first\",\"code\":\"not_joined\"}"), written());
    }

    @Test
    void malformedFramesAreAnsweredWithTheirCodesAndTheSessionStaysUsable() {
        receiveText("{not json");
        receiveText("[1, 2]");
        receiveText("{\"action\":\"dance\",\"client_id\":\"c-2\"}");
        receiveText("{\"room_id\":\"r1\"}");
        receiveText("{\"action\":\"join_room\"}");
        receiveText("{\"action\":\"send_message\",\"room_id\":\"r1\",\"content\":42,\"client_id\":\"c-3\"}");
        receive(new BinaryWebSocketFrame(allocator.bytes(new byte[] {1, 2, 3})));
        receiveText("{\"action\":\"ping\"}");

        assertEquals(List.of(
                "{\"type\":\"error\",\"message\":\"Invalid JSON\",\"code\":\"invalid_json\"}",
                "{\"type\":\"error\",\"message\":\"Invalid JSON\",\"code\":\"invalid_json\"}",
                "{\"type\":\"error\",\"message\":\"Unknown action: dance\",\"code\":\"unknown_action\",\"client_id\":\"c-2\"}",
                "{\"type\":\"error\",\"message\":\"Missing field: action\",\"code\":\"invalid_field\"}",
                "{\"type\":\"error\",\"message\":\"room_id is required\",\"code\":\"invalid_field\"}",
                "{\"type\":\"error\",\"message\":\"content must be a string\",\"code\":\"invalid_field\",\"client_id\":\"c-3\"}",
                "{\"type\":\"error\",\"message\":\"Binary frames are not supported: send JSON text\",\"code\":\"unsupported_frame\"}",
                "{\"type\":\"pong\"}"), written());
        assertEquals(List.of(), connection.requests, "nothing malformed reached the core");
        assertTrue(channel.isActive());
    }

    @Test
    void aSendTheStoreCouldNotTakeIsReportedStorageUnavailable() {
        connection.onSend = command -> CompletableFuture.failedFuture(
                new CompletionException(new StorageUnavailableException("mongo is away")));

        receiveText("{\"action\":\"send_message\",\"room_id\":\"r1\",\"content\":\"hi\",\"client_id\":\"c-1\"}");

        assertEquals(List.of("{\"type\":\"error\",\"message\":\"Message not delivered: storage unavailable\","
                + "\"code\":\"storage_unavailable\",\"client_id\":\"c-1\"}"), written());
    }

    @Test
    void anyOtherFaultOfASendIsReportedAsAnInternalError() {
        connection.onSend = command -> CompletableFuture.failedFuture(new IllegalStateException("a bug"));

        receiveText("{\"action\":\"send_message\",\"room_id\":\"r1\",\"content\":\"hi\"}");

        assertEquals(List.of("{\"type\":\"error\",\"message\":\"Message not delivered: internal error\",\"code\":\"internal_error\"}"),
                written());
    }

    @Test
    void faultsOfJoinAndOfOtherRequestsBecomeTheirErrorFrames() {
        connection.onJoin = roomId -> CompletableFuture.failedFuture(new StorageUnavailableException("away"));
        connection.onLeave = roomId -> {
            throw new IllegalStateException("thrown, not returned");
        };

        receiveText("{\"action\":\"join_room\",\"room_id\":\"r1\"}");
        receiveText("{\"action\":\"leave_room\",\"room_id\":\"r1\"}");

        assertEquals(List.of(
                "{\"type\":\"error\",\"message\":\"Could not join room r1: service unavailable\",\"code\":\"storage_unavailable\"}",
                "{\"type\":\"error\",\"message\":\"Internal Server Error\",\"code\":\"internal_error\"}"), written());
    }

    @Test
    void anErrorFrameNeverOvertakesWhatTheCoreSentBeforeIt() {
        connection.onJoin = roomId -> {
            chat.tell(new ServerEvent.SystemNotice("Joined room: general"));
            return CompletableFuture.failedFuture(new IllegalStateException("after the greeting"));
        };

        receiveText("{\"action\":\"join_room\",\"room_id\":\"r1\"}");

        assertEquals(List.of("{\"type\":\"system\",\"message\":\"Joined room: general\"}",
                "{\"type\":\"error\",\"message\":\"Could not join room r1: service unavailable\",\"code\":\"internal_error\"}"),
                written());
    }

    @Test
    void aBroadcastIsEncodedOnceAndEveryRecipientGetsItsBytesInAFrameOfTheirOwnSocket() {
        FakeChat otherChat = new FakeChat(new FakeChatConnection(FakeCore.ANN));
        EmbeddedChannel other = session(otherChat);
        Broadcast broadcast = new Broadcast(new RoomEvent.MessagePosted(new ChatMessage(new MessageId("m1"), ROOM,
                FakeCore.ANN.id(), "ann", "hi", Instant.EPOCH, List.of(), 1, null)));

        chat.deliver(broadcast);
        otherChat.deliver(broadcast);

        channel.runPendingTasks();
        other.runPendingTasks();
        TextWebSocketFrame mine = (TextWebSocketFrame) OutboundFrames.asFrame(channel.readOutbound());
        TextWebSocketFrame theirs = (TextWebSocketFrame) OutboundFrames.asFrame(other.readOutbound());
        byte[] encoded = broadcast.encoded(WireFormat::encode);
        assertSame(encoded, broadcast.encoded(WireFormat::encode), "encoded once, for every recipient");
        assertEquals(new String(ChatProtocol.encode(broadcast.event()), StandardCharsets.UTF_8), mine.text());
        assertEquals(mine.text(), theirs.text());
        assertTrue(mine.release());
        assertTrue(theirs.release());
        assertFalse(other.finishAndReleaseAll());
    }

    @Test
    void aPingFrameIsAnsweredWithItsPayload() {
        receive(new PingWebSocketFrame(allocator.bytes("are you there")));

        assertEquals(List.of("pong are you there"), written());
    }

    @Test
    void fragmentsOverTheLimitAreAnsweredFrameTooLargeThenClosedWith1009() {
        receive(new TextWebSocketFrame(false, 0, allocator.bytes(new byte[MAX_FRAME_BYTES / 2 + 1])));
        receive(new ContinuationWebSocketFrame(true, 0, allocator.bytes(new byte[MAX_FRAME_BYTES / 2 + 1])));

        assertEquals(List.of("{\"type\":\"error\",\"message\":\"Message too big: the limit is 1024 bytes\",\"code\":\"frame_too_large\"}",
                "close 1009 Message too big: the limit is 1024 bytes"), written());
        assertFalse(channel.isOpen());
    }

    @Test
    void aSingleFrameOverTheLimitIsAnsweredFrameTooLargeThenClosedWith1009() {
        channel.finishAndReleaseAll();
        channel = session(chat, new WebSocket08FrameDecoder(WebSocketSession.decoderConfig(MAX_FRAME_BYTES)));

        channel.writeInbound(maskedTextFrame(new byte[MAX_FRAME_BYTES + 1]));

        assertEquals(List.of("{\"type\":\"error\",\"message\":\"Message too big: the limit is 1024 bytes\",\"code\":\"frame_too_large\"}",
                "close 1009 Message too big: the limit is 1024 bytes"), written());
        assertFalse(channel.isOpen());
    }

    @Test
    void aCloseFromTheClientIsEchoedAndTheCoreIsTold() {
        receive(new CloseWebSocketFrame(true, 0, allocator.bytes(new byte[] {0x03, (byte) 0xE8, 'b', 'y', 'e'})));

        assertEquals(List.of("close 1000 bye"), written());
        assertFalse(channel.isOpen());
        assertEquals(1, connection.closes);
    }

    @Test
    void aSilentClientIsPingedAtHalfTheIdleTimeoutThenClosedWith1001() {
        channel.advanceTimeBy(IDLE_TIMEOUT.toMillis() / 2, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertEquals(List.of("ping rc"), written());

        channel.advanceTimeBy(IDLE_TIMEOUT.toMillis() / 2, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertEquals(List.of("close 1001 Idle timeout"), written());
    }

    @Test
    void pingsOfWebSocketsThatJoinedTogetherAreSpreadOverAnEighthOfTheIdleTimeoutAndTheCloseStaysWithinIt() {
        Duration timeout = Duration.ofSeconds(120);
        Random random = new Random(7);
        List<Duration> intervals = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            intervals.add(WebSocketSession.pingInterval(timeout, random));
        }
        Duration earliest = intervals.stream().min(Duration::compareTo).orElseThrow();
        Duration latest = intervals.stream().max(Duration::compareTo).orElseThrow();

        assertTrue(earliest.compareTo(Duration.ofSeconds(45)) >= 0, "no ping before 3/8 of the timeout: " + earliest);
        assertTrue(latest.compareTo(Duration.ofSeconds(60)) <= 0,
                "the close, an interval after the ping, comes within the timeout: " + latest);
        assertTrue(latest.minus(earliest).compareTo(Duration.ofSeconds(14)) > 0,
                "spread over the whole eighth, not bunched: " + earliest + " to " + latest);
        long inFirstSecond = intervals.stream().filter(d -> d.compareTo(earliest.plusSeconds(1)) < 0).count();
        assertTrue(inFirstSecond < 1_000, "about 1 in 15 per second of the spread, not a burst: " + inFirstSecond);
    }

    /** A client frame as browsers send it, masked: written by Netty's own client-side frame encoder. */
    private ByteBuf maskedTextFrame(byte[] payload) {
        EmbeddedChannel client = new EmbeddedChannel(new WebSocket08FrameEncoder(true));
        client.writeOutbound(new TextWebSocketFrame(Unpooled.wrappedBuffer(payload)));
        ByteBuf frame = allocator.buffer();
        for (ByteBuf part = client.readOutbound(); part != null; part = client.readOutbound()) {
            frame.writeBytes(part);
            part.release();
        }
        client.finishAndReleaseAll();
        return frame;
    }
}
