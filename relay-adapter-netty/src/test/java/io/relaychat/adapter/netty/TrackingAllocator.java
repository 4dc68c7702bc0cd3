package io.relaychat.adapter.netty;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An allocator that remembers every buffer it hands out, so a test can assert that the handlers released
 * all of them. Netty's leak detector only logs a leak, and only once the buffer has been collected.
 */
final class TrackingAllocator extends AbstractByteBufAllocator {
    private final List<ByteBuf> allocated = new CopyOnWriteArrayList<>();

    TrackingAllocator() {
        super(false);
    }

    /** A buffer holding {@code text} in UTF-8, tracked like the pipeline's own. */
    ByteBuf bytes(String text) {
        return bytes(text.getBytes(StandardCharsets.UTF_8));
    }

    ByteBuf bytes(byte[] content) {
        return heapBuffer(content.length).writeBytes(content);
    }

    /** The buffers still held by someone. */
    List<ByteBuf> unreleased() {
        return allocated.stream().filter(buffer -> buffer.refCnt() > 0).toList();
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return track(UnpooledByteBufAllocator.DEFAULT.heapBuffer(initialCapacity, maxCapacity));
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return track(UnpooledByteBufAllocator.DEFAULT.directBuffer(initialCapacity, maxCapacity));
    }

    private ByteBuf track(ByteBuf buffer) {
        allocated.add(buffer);
        return buffer;
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }
}
