package io.relaychat.adapter.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The frames of a batch: what a client's decoder reads from them, shared by payload, and all given back. */
class SharedTextFramesTest {
    private final TrackingAllocator allocator = new TrackingAllocator();

    /** Each length where the header changes shape: 7 bits, 16 bits, 64 bits. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 126, 65_535, 65_536, 200_000})
    void aClientsDecoderReadsTheFrameAsTheTextItCarries(int length) {
        byte[] payload = new byte[length];
        Arrays.fill(payload, (byte) 'a');
        // The client's side: unmasked frames accepted (they come from the server), as large as this one.
        EmbeddedChannel client = new EmbeddedChannel(new WebSocket08FrameDecoder(WebSocketDecoderConfig.newBuilder()
                .expectMaskedFrames(false).maxFramePayloadLength(length + 1).build()));

        client.writeInbound(SharedTextFrames.frame(payload, allocator));

        TextWebSocketFrame read = client.readInbound();
        assertEquals("a".repeat(length), read.text());
        read.release();
        assertEquals(List.of(), allocator.unreleased());
    }

    @Test
    void onePayloadIsFramedOnceInABatchAndEveryBufferIsGivenBackAfterItsWrites() {
        SharedTextFrames frames = new SharedTextFrames();
        byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
        byte[] sameTextOtherMessage = "hello".getBytes(StandardCharsets.UTF_8);

        ByteBuf first = frames.of(hello, allocator);
        ByteBuf again = frames.of(hello, allocator);
        ByteBuf other = frames.of(sameTextOtherMessage, allocator);
        ByteBuf inFlight = frames.copyFor(hello, allocator); // a write the socket has not taken yet
        frames.releaseAll();

        assertSame(first, again, "the same broadcast's bytes: one frame");
        assertNotSame(first, other, "another broadcast: a frame of its own, even with the same text");
        assertEquals(1, allocator.unreleased().size(), "the write in flight still holds its frame");
        inFlight.release();
        assertEquals(List.of(), allocator.unreleased(), "and gives it back once written");
    }

    @Test
    void noHandlerCanWriteIntoTheSharedBytesThroughOneSocketsCopy() {
        SharedTextFrames frames = new SharedTextFrames();
        byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
        ByteBuf mine = frames.copyFor(hello, allocator);
        ByteBuf theirs = frames.copyFor(hello, allocator);

        assertFalse(mine.isWritable(), "no room to append the next write into");
        assertThrows(IndexOutOfBoundsException.class, () -> mine.writeByte('!'));
        assertNotEquals(0, mine.ensureWritable(1, false), "nor to grow into");
        assertEquals(mine.capacity(), mine.maxCapacity());
        assertEquals(theirs.readableBytes(), hello.length + 2);
        mine.release();
        theirs.release();
        frames.releaseAll();
        assertEquals(List.of(), allocator.unreleased());
    }

    @Test
    void aFramePushedOutOfTheRingIsGivenBackAtOnce() {
        SharedTextFrames frames = new SharedTextFrames();
        for (int i = 0; i < SharedTextFrames.KEPT + 3; i++) {
            frames.of(("m" + i).getBytes(StandardCharsets.UTF_8), allocator);
        }

        assertEquals(SharedTextFrames.KEPT, allocator.unreleased().size(), "only the most recent are held");
        frames.releaseAll();
        assertEquals(List.of(), allocator.unreleased());
    }
}
