package io.relaychat.adapter.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.relaychat.ports.model.BlobReader;

import java.nio.ByteBuffer;
import java.util.concurrent.RejectedExecutionException;

/**
 * A stored file as Netty's {@link ChunkedWriteHandler} writes it: a chunk at a time, each taken only while the
 * connection is writable, so a client that reads slowly, or not at all, costs the node a chunk or two and Netty's
 * outbound buffer, never the file; one that stops reading is closed by the write timeout ({@link HttpExchanges}).
 * The next chunk is read from the store while the one before is written; when it is not there yet, the writer is
 * told to wait, and to go on once it is. A store that fails half way can only close the connection: the head,
 * with the file's length, is out already.
 */
final class BlobChunks implements ChunkedInput<ByteBuf> {
    private final BlobReader reader;
    private final Channel channel;
    private ByteBuffer ready;
    private boolean reading;
    private boolean ended;
    private boolean closed;
    private long progress;

    BlobChunks(BlobReader reader, ChannelHandlerContext ctx) {
        this.reader = reader;
        this.channel = ctx.channel();
        fetch();
    }

    @Override
    public boolean isEndOfInput() {
        return ended && ready == null;
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) {
        if (ready == null) {
            return null; // asked of the store; the writer goes on once it is there
        }
        ByteBuf chunk = Unpooled.wrappedBuffer(ready);
        progress += ready.remaining();
        ready = null;
        fetch();
        return chunk;
    }

    @Deprecated
    @Override
    public ByteBuf readChunk(ChannelHandlerContext ctx) {
        return readChunk(ctx.alloc());
    }

    @Override
    public long length() {
        return reader.size();
    }

    @Override
    public long progress() {
        return progress;
    }

    @Override
    public void close() {
        closed = true;
        reader.close();
    }

    private void fetch() {
        if (reading || ended || closed) {
            return;
        }
        reading = true;
        reader.read().whenComplete((chunk, error) -> {
            try {
                channel.eventLoop().execute(() -> arrived(chunk, error));
            } catch (RejectedExecutionException stopping) {
                reader.close();
            }
        });
    }

    private void arrived(ByteBuffer chunk, Throwable error) {
        reading = false;
        if (closed) {
            return;
        }
        if (error != null) {
            channel.close();
            return;
        }
        if (chunk.hasRemaining()) {
            ready = chunk;
        } else {
            ended = true;
        }
        ChunkedWriteHandler writer = channel.pipeline().get(ChunkedWriteHandler.class);
        if (writer != null) {
            writer.resumeTransfer();
        }
    }
}
