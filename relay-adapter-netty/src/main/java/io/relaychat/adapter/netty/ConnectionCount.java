package io.relaychat.adapter.netty;

import io.netty.channel.Channel;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node's open connections, HTTP and WebSocket alike, since each holds a file descriptor and buffers. A
 * connection opened past the limit gets no HTTP pipeline but {@link ServerFull}: its first request is answered
 * 503 saying why, and it is closed within a second whatever it sends.
 */
final class ConnectionCount {
    private final int limit;
    private final AtomicInteger open = new AtomicInteger();

    /** {@code limit} 0: no limit. */
    ConnectionCount(int limit) {
        this.limit = limit;
    }

    /** Counts {@code channel} until it closes; false when it is one too many. */
    boolean opened(Channel channel) {
        int now = open.incrementAndGet();
        channel.closeFuture().addListener(closed -> open.decrementAndGet());
        return limit == 0 || now <= limit;
    }

    int open() {
        return open.get();
    }
}
