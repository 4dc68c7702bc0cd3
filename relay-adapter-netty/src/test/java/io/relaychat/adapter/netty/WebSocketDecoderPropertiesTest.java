package io.relaychat.adapter.netty;

import io.relaychat.testkit.HostileJson;
import io.relaychat.testkit.RawFrame;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.relaychat.ports.model.ServerEvent;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static io.relaychat.testkit.HostileJson.weighted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Whatever a hostile client writes into a WebSocket, the decoder turns it into a request or an error frame with
 * a code, never an exception; and a session fed any run of raw frames answers each one, then either still answers
 * a ping or has closed with a status and a reason, holding no buffer.
 */
class WebSocketDecoderPropertiesTest {
    private static final int MAX_FRAME_BYTES = 64 * 1024;
    private static final byte[] PING = "{\"action\":\"ping\"}".getBytes(StandardCharsets.UTF_8);

    @Provide
    Arbitrary<String> frames() {
        return HostileFrames.frames();
    }

    @Property(tries = 1000)
    void everyTextIsARequestOrAnErrorFrameWithACode(@ForAll("frames") String text) {
        ClientRequest request;
        try {
            request = ClientRequests.parse(text);
        } catch (ClientRequests.BadRequest bad) {
            Statistics.label("answer").collect(bad.notice().reason().code());
            assertErrorFrame(WireFormat.encode(bad.notice()));
            return;
        }
        assertNotNull(request);
        Statistics.label("answer").collect(request instanceof ClientRequest.Join join && join.sinceSeq() != null
                ? "join_room with since_seq" : request.action());
        assertTrue(HostileFrames.ACTIONS.contains(request.action()), request.action());
    }

    /** The path the session takes: handling never fails, and what it answers can be written on the wire. */
    @Property(tries = 1000)
    void handlingAnyTextCompletesWithAnAnswerTheWireCanCarry(@ForAll("frames") String text) {
        FakeChatConnection connection = new FakeChatConnection(FakeCore.ANN);

        Optional<ServerEvent> answer = ChatProtocol.handle(text, connection).toCompletableFuture().join();

        answer.ifPresent(event -> {
            JsonNode frame = json(WireFormat.encode(event));
            if (frame.path("type").asText().equals("error")) {
                assertFalse(frame.path("code").asText().isEmpty(), frame.toString());
            }
        });
    }

    @Provide
    Arbitrary<RawFrame> rawFrames() {
        Arbitrary<byte[]> anyBytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
        Arbitrary<byte[]> hostileText = HostileFrames.frames().map(text -> text.getBytes(StandardCharsets.UTF_8));
        return Arbitraries.frequencyOf(
                weighted(8, hostileText.map(bytes -> new RawFrame("text", 0x81, true, bytes))),
                weighted(1, anyBytes.map(bytes -> new RawFrame("text of any bytes", 0x81, true, bytes))),
                weighted(1, anyBytes.map(bytes -> new RawFrame("binary", 0x82, true, bytes))),
                weighted(1, hostileText.map(bytes -> new RawFrame("first fragment", 0x01, true, bytes))),
                weighted(1, hostileText.map(bytes -> new RawFrame("last fragment", 0x80, true, bytes))),
                weighted(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(125).map(bytes -> new RawFrame("ping", 0x89, true, bytes))),
                weighted(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(125).map(bytes -> new RawFrame("pong", 0x8A, true, bytes))),
                weighted(1, Combinators.combine(Arbitraries.of(0x83, 0x87, 0x8B, 0x8F, 0x09), anyBytes)
                        .as((first, bytes) -> new RawFrame("reserved opcode", first, true, bytes))),
                weighted(1, Combinators.combine(Arbitraries.of(0xC1, 0xA1, 0x91), hostileText)
                        .as((first, bytes) -> new RawFrame("reserved bits", first, true, bytes))),
                weighted(1, hostileText.map(bytes -> new RawFrame("text", 0x81, false, bytes))),
                weighted(1, Arbitraries.integers().between(MAX_FRAME_BYTES + 1, 2 * MAX_FRAME_BYTES)
                        .map(size -> new RawFrame("oversized text", 0x81, true, "x".repeat(size).getBytes(StandardCharsets.UTF_8)))));
    }

    @Property(tries = 200)
    void aSessionAnswersAnyRunOfFramesThenStillAnswersAPingOrHasClosedWithAReason(
            @ForAll @Size(min = 1, max = 6) List<@From("rawFrames") RawFrame> frames) {
        TrackingAllocator allocator = new TrackingAllocator();
        FakeChat chat = new FakeChat(new FakeChatConnection(FakeCore.ANN));
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(allocator);
        channel.pipeline().addLast(new WebSocket08FrameDecoder(WebSocketSession.decoderConfig(MAX_FRAME_BYTES)));
        channel.pipeline().addLast("websocket", new WebSocketSession(chat, FakeCore.ANN, settings()));
        List<String> written = new ArrayList<>();
        try {
            boolean fragmentOpen = false;
            for (RawFrame frame : frames) {
                if (channel.isOpen()) {
                    channel.writeInbound(allocator.bytes(frame.wire()));
                    int opcode = frame.firstByte() & 0x0F;
                    fragmentOpen = opcode == 0 || opcode == 1 || opcode == 2 ? (frame.firstByte() & 0x80) == 0 : fragmentOpen;
                }
                written.addAll(written(channel));
            }
            if (fragmentOpen && channel.isOpen()) {
                // A message left open would take the ping in as its next fragment: end it first, as a client would.
                channel.writeInbound(allocator.bytes(new RawFrame("last fragment", 0x80, true, new byte[0]).wire()));
                written.addAll(written(channel));
            }
            boolean askedAfter = channel.isOpen();
            if (askedAfter) {
                channel.writeInbound(allocator.bytes(new RawFrame("text", 0x81, true, PING).wire()));
            }
            written.addAll(written(channel));
            // Every close the server starts is bounded: the socket goes a second after its close frame at the latest.
            channel.advanceTimeBy(Duration.ofSeconds(1).toNanos(), TimeUnit.NANOSECONDS);
            channel.runScheduledPendingTasks();
            written.addAll(written(channel));

            for (String frame : written) {
                if (frame.startsWith("close ") || frame.startsWith("#")) {
                    continue;
                }
                JsonNode json = json(frame.getBytes(StandardCharsets.UTF_8));
                assertFalse(json.path("type").asText().isEmpty(), frame);
                if (json.path("type").asText().equals("error")) {
                    assertFalse(json.path("code").asText().isEmpty(), frame);
                }
            }
            Statistics.label("outcome").collect(channel.isOpen() ? "answered, then the ping"
                    : written.stream().filter(frame -> frame.startsWith("close ")).findFirst().map(close -> close.substring(0, 10))
                    .orElse("closed without a close frame"));
            if (channel.isOpen()) {
                assertTrue(askedAfter, "the channel is open");
                assertFalse(written.isEmpty(), "nothing answered the ping");
                assertEquals("{\"type\":\"pong\"}", written.get(written.size() - 1), "the last answer: " + written);
                assertTrue(written.stream().noneMatch(frame -> frame.startsWith("close ")), "closing yet open: " + written);
            } else {
                String close = written.stream().filter(frame -> frame.startsWith("close ")).findFirst()
                        .orElseThrow(() -> new AssertionError("closed without a close frame: " + written));
                assertTrue(close.matches("close \\d{4} \\S.*"), "a close with a status and a reason: " + close);
            }
        } finally {
            channel.finishAndReleaseAll();
        }
        assertEquals(List.of(), allocator.unreleased(), "buffers never released");
    }

    private static TransportSettings settings() {
        return new TransportSettings("127.0.0.1", 0, List.of("*"), 1024 * 1024, MAX_FRAME_BYTES, Duration.ofSeconds(60), 1);
    }

    /** What the session wrote, once the event loop ran what was queued: text as is, a close as its status and reason, others named. */
    private static List<String> written(EmbeddedChannel channel) {
        channel.runPendingTasks();
        List<String> frames = new ArrayList<>();
        for (Object written = channel.readOutbound(); written != null; written = channel.readOutbound()) {
            WebSocketFrame frame = OutboundFrames.asFrame(written);
            try {
                if (frame instanceof TextWebSocketFrame text) {
                    frames.add(text.text());
                } else if (frame instanceof CloseWebSocketFrame close) {
                    frames.add("close " + close.statusCode() + " " + close.reasonText());
                } else {
                    frames.add("#" + frame.getClass().getSimpleName()); // a pong for a ping
                }
            } finally {
                frame.release();
            }
        }
        return frames;
    }

    /** An error frame as the client reads it: valid UTF-8, a JSON object of type error, with a code. */
    private static void assertErrorFrame(byte[] encoded) {
        JsonNode frame = json(encoded);
        assertEquals("error", frame.path("type").asText(), frame.toString());
        assertFalse(frame.path("code").asText().isEmpty(), frame.toString());
        assertFalse(frame.path("message").asText().isEmpty(), frame.toString());
    }

    /** {@code bytes} as a client reads them: strict UTF-8, then one JSON object. */
    private static JsonNode json(byte[] bytes) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            JsonNode node = WireFormat.MAPPER.readTree(text);
            assertTrue(node != null && node.isObject(), text);
            return node;
        } catch (CharacterCodingException e) {
            return fail("the server wrote bytes that are not UTF-8: " + new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return fail("the server wrote something that is not JSON: " + new String(bytes, StandardCharsets.UTF_8));
        }
    }
}
