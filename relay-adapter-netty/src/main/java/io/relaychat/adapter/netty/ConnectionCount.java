package io.relaychat.adapter.netty;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node's open connections, HTTP and WebSocket alike, since each holds a file descriptor and buffers. A
 * connection opened past the limit is still read, so that its request gets an answer saying why (503), not a
 * reset; {@link HttpRequestHandler} gives it that answer and closes it.
 */
final class ConnectionCount {
    private static final AttributeKey<Boolean> OVER_LIMIT = AttributeKey.valueOf(ConnectionCount.class, "overLimit");

    private final int limit;
    private final AtomicInteger open = new AtomicInteger();

    /** {@code limit} 0: no limit. */
    ConnectionCount(int limit) {
        this.limit = limit;
    }

    /** Counts {@code channel} until it closes, and marks it when it is one too many. */
    void opened(Channel channel) {
        int now = open.incrementAndGet();
        channel.closeFuture().addListener(closed -> open.decrementAndGet());
        if (limit > 0 && now > limit) {
            channel.attr(OVER_LIMIT).set(Boolean.TRUE);
        }
    }

    int open() {
        return open.get();
    }

    static boolean isOverLimit(Channel channel) {
        return Boolean.TRUE.equals(channel.attr(OVER_LIMIT).get());
    }
}
