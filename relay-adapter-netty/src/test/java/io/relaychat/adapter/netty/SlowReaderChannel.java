package io.relaychat.adapter.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * An embedded channel whose peer reads only as much as the test lets it: a socket with a client at the other
 * end that is slow, or has stopped. Buffers are taken out a few bytes at a time, as the kernel takes them from a
 * real socket, so Netty's outbound buffer holds the rest (counted for writability, with its progress on the
 * entry being written); other messages (frames, where no encoder is in front) are taken whole. Time starts frozen.
 */
final class SlowReaderChannel extends EmbeddedChannel {
    private long allowance;

    SlowReaderChannel() {
        freezeTime();
    }

    /** The peer reads up to {@code bytes} more of what is waiting, now and as more is flushed. */
    void reads(long bytes) {
        allowance = saturated(allowance + bytes);
        flush();
        runPendingTasks();
    }

    /** The peer reads everything from now on, as a fast client does. */
    void readsEverything() {
        reads(Long.MAX_VALUE);
    }

    /** The peer stops reading. */
    void stopsReading() {
        allowance = 0;
    }

    /** Bytes waiting in Netty's outbound buffer. */
    long pending() {
        ChannelOutboundBuffer out = unsafe().outboundBuffer();
        return out == null ? 0 : out.totalPendingWriteBytes();
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        while (allowance > 0) {
            Object msg = in.current();
            if (msg == null) {
                return;
            }
            if (msg instanceof ByteBuf buf && buf.readableBytes() > allowance) {
                int part = (int) allowance;
                handleOutboundMessage(buf.retainedSlice(buf.readerIndex(), part));
                allowance = 0;
                in.removeBytes(part);
                return;
            }
            long size = msg instanceof ByteBuf buf ? buf.readableBytes()
                    : msg instanceof ByteBufHolder holder ? holder.content().readableBytes() : 0;
            handleOutboundMessage(ReferenceCountUtil.retain(msg));
            allowance = Math.max(0, allowance - size);
            in.remove();
        }
    }

    private static long saturated(long value) {
        return value < 0 ? Long.MAX_VALUE : value;
    }
}
