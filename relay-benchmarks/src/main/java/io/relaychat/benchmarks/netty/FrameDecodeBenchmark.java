package io.relaychat.benchmarks.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.relaychat.adapter.netty.ChatProtocol;
import io.relaychat.ports.in.ChatConnection;
import io.relaychat.ports.in.SendMessageCommand;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.ConnectionId;
import io.relaychat.ports.model.MessageId;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.User;
import io.relaychat.ports.model.UserId;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One client frame from the wire to a validated command: WebSocket decode, JSON parse, command checks, and
 * the call on the connection with its (accepted) answer mapped, as {@link ChatProtocol#handle} runs it.
 */
@State(Scope.Thread)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FrameDecodeBenchmark {
    private EmbeddedChannel channel;
    private byte[] maskedFrame;
    private ChatConnection sink;
    private Blackhole blackhole;

    @Setup
    public void setUp(Blackhole hole) {
        blackhole = hole;
        channel = new EmbeddedChannel(new WebSocket08FrameDecoder(true, false, 65536));
        maskedFrame = mask(("{\"action\":\"send_message\",\"room_id\":\"6f1c2a9e-0b7d-4a43-9c55-2a9f3e1d8b10\","
                + "\"content\":\"hello there, how is everyone doing today?\",\"client_id\":\"c-42\"}")
                .getBytes(StandardCharsets.UTF_8));
        User user = new User(new UserId("u"), "u@example.com", "u", Instant.EPOCH);
        // Answered from one completed stage, so the benchmark measures the transport, not this stand-in.
        CompletableFuture<Outcome<ChatMessage>> stored = CompletableFuture.completedFuture(Outcome.accepted(
                new ChatMessage(new MessageId("m"), new RoomId("6f1c2a9e-0b7d-4a43-9c55-2a9f3e1d8b10"), user.id(), "u",
                        "hello there, how is everyone doing today?", Instant.EPOCH, List.of(), 1, "c-42")));
        sink = new ChatConnection() {
            @Override
            public ConnectionId id() {
                return new ConnectionId("c");
            }

            @Override
            public User user() {
                return user;
            }

            @Override
            public CompletionStage<Outcome<Room>> join(RoomId roomId, Long sinceSeq) {
                throw new UnsupportedOperationException("only send_message is measured");
            }

            @Override
            public CompletionStage<Void> leave(RoomId roomId) {
                throw new UnsupportedOperationException("only send_message is measured");
            }

            @Override
            public CompletionStage<Outcome<ChatMessage>> send(SendMessageCommand command) {
                blackhole.consume(command);
                return stored;
            }

            @Override
            public CompletionStage<Outcome<RoomId>> typing(RoomId roomId) {
                throw new UnsupportedOperationException("only send_message is measured");
            }

            @Override
            public CompletionStage<Void> close() {
                return CompletableFuture.completedFuture(null);
            }
        };
    }

    @TearDown
    public void tearDown() {
        channel.finishAndReleaseAll();
    }

    @Benchmark
    public void decodeAndParseSendMessage() {
        channel.writeInbound(Unpooled.wrappedBuffer(maskedFrame));
        TextWebSocketFrame frame = channel.readInbound();
        try {
            blackhole.consume(ChatProtocol.handle(frame.text(), sink));
        } finally {
            frame.release();
        }
    }

    /** A client frame as browsers send it, masked: written by Netty's own client-side frame encoder. */
    private static byte[] mask(byte[] payload) {
        EmbeddedChannel client = new EmbeddedChannel(new WebSocket08FrameEncoder(true));
        client.writeOutbound(new TextWebSocketFrame(Unpooled.wrappedBuffer(payload)));
        ByteBuf frame = Unpooled.buffer();
        for (ByteBuf part = client.readOutbound(); part != null; part = client.readOutbound()) {
            frame.writeBytes(part);
            part.release();
        }
        client.finishAndReleaseAll();
        return ByteBufUtil.getBytes(frame);
    }
}
