package io.relaychat.adapter.netty;

import io.netty.channel.Channel;

/**
 * The requests of one WebSocket handed to the core and not yet answered. At the bound the socket is no longer
 * read, so a client sending faster than the core answers waits in its own TCP window: nothing it sent is
 * dropped, and nothing piles up here. Reading resumes once half of them are answered, so a busy client does
 * not flip the socket on and off with every answer. Event loop only.
 */
final class InFlightRequests {
    private final int max;
    private int count;
    private boolean paused;

    /** {@code max} 0: no bound. */
    InFlightRequests(int max) {
        this.max = max;
    }

    void dispatched(Channel channel) {
        count++;
        if (max > 0 && count >= max && !paused) {
            paused = true;
            channel.config().setAutoRead(false);
        }
    }

    void answered(Channel channel) {
        count--;
        if (paused && count <= max / 2) {
            paused = false;
            channel.config().setAutoRead(true);
        }
    }

    int count() {
        return count;
    }
}
