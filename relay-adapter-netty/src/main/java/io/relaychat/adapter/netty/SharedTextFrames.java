package io.relaychat.adapter.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The text frames of one outbox batch, each framed once and shared by every WebSocket of the loop it goes to.
 * <p>
 * A broadcast is encoded once per node; what each recipient still cost was a frame object, a buffer from the
 * allocator and a copy of the payload into it behind a header that Netty's frame encoder wrote, the same bytes every
 * time. Here the first recipient on a loop frames the payload into one direct buffer (a server's frame is never
 * masked, so the bytes are the same for every uncompressed socket) and each recipient writes a duplicate of it: no
 * copy, no encoder. The payloads are recognised by identity (a broadcast's bytes are one array), among the few most
 * recent, since the fan-outs of several routing threads interleave in a batch.
 * <p>
 * Each buffer is held until it is pushed out of the ring or the batch ends; the duplicates in flight hold it for
 * the writes that still need it. Event loop only.
 */
final class SharedTextFrames {
    /** A few fan-outs interleaving: enough for routing threads on two cores, small enough to scan. */
    static final int KEPT = 8;
    private static final int FIN_TEXT = 0x81;

    private final byte[][] payloads = new byte[KEPT][];
    private final ByteBuf[] frames = new ByteBuf[KEPT];
    private int next;

    /**
     * One socket's copy of the frame of {@code payload} (framed on its first use in the batch), to write: a view of
     * the shared bytes that holds them until it is written, with indexes of its own. No handler can write into it:
     * one that gathers a socket's pending writes may append the next into the first buffer's spare room (TLS does,
     * before it encrypts), and every socket's view of one frame shares that room; but a frame has none, and cannot
     * grow (see {@link #frame}). A read-only wrapper would say the same at the cost of an object per recipient.
     */
    ByteBuf copyFor(byte[] payload, ByteBufAllocator allocator) {
        return of(payload, allocator).retainedDuplicate();
    }

    /** The shared frame of {@code payload}, framed on its first use in the batch. */
    ByteBuf of(byte[] payload, ByteBufAllocator allocator) {
        for (int i = 0; i < KEPT; i++) {
            if (payloads[i] == payload) {
                return frames[i];
            }
        }
        if (frames[next] != null) {
            frames[next].release();
        }
        ByteBuf frame = frame(payload, allocator);
        payloads[next] = payload;
        frames[next] = frame;
        next = (next + 1) % KEPT;
        return frame;
    }

    /** The batch is over: the frames go back to the allocator once their writes are done with them. */
    void releaseAll() {
        for (int i = 0; i < KEPT; i++) {
            if (frames[i] != null) {
                frames[i].release();
                frames[i] = null;
                payloads[i] = null;
            }
        }
        next = 0;
    }

    /**
     * RFC 6455 §5.2: FIN and the text opcode, then the length in 7, 7+16 or 7+64 bits, no mask; then the payload. Its
     * capacity is its most, and all of it written: no room to append into, none to grow into.
     */
    static ByteBuf frame(byte[] payload, ByteBufAllocator allocator) {
        int length = payload.length;
        int header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
        ByteBuf frame = allocator.directBuffer(header + length, header + length);
        frame.writeByte(FIN_TEXT);
        if (length < 126) {
            frame.writeByte(length);
        } else if (length < 65_536) {
            frame.writeByte(126);
            frame.writeShort(length);
        } else {
            frame.writeByte(127);
            frame.writeLong(length);
        }
        frame.writeBytes(payload);
        return frame;
    }
}
