package io.relaychat.benchmarks.netty;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.relaychat.adapter.netty.ChatProtocol;
import io.relaychat.ports.model.Broadcast;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.MessageId;
import io.relaychat.ports.model.RoomEvent;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.time.Instant;
import java.util.List;

/**
 * A chat message on its way out: encoding it to JSON (once per broadcast), and what each recipient then
 * costs (wrapping the shared bytes in a frame), for rooms of several sizes.
 */
@State(Scope.Thread)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BroadcastEncodeBenchmark {
    @Param({"10", "2000"})
    public int recipients;

    private RoomEvent.MessagePosted event;

    @Setup
    public void setUp() {
        event = new RoomEvent.MessagePosted(new ChatMessage(new MessageId("2c5f0a8e-3b6d-4f1e-9a7c-5d2e8b1f4c33"),
                new RoomId("6f1c2a9e-0b7d-4a43-9c55-2a9f3e1d8b10"), new UserId("9b8a7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d"),
                "alice", "hello there, how is everyone doing today?", Instant.parse("2026-11-27T12:00:00.123Z"),
                List.of(), 4711, "c-42"));
    }

    @Benchmark
    public byte[] encodeOnce() {
        return ChatProtocol.encode(event);
    }

    /** One broadcast to every recipient, as the sinks do it: encoded once, the bytes wrapped per frame. */
    @Benchmark
    public void encodeAndFrameForEveryRecipient(Blackhole hole) {
        Broadcast broadcast = new Broadcast(event);
        for (int i = 0; i < recipients; i++) {
            byte[] text = broadcast.encoded(ChatProtocol::encode);
            hole.consume(new TextWebSocketFrame(Unpooled.wrappedBuffer(text)));
        }
    }
}
