package io.relaychat.adapter.netty;

import io.netty.channel.Channel;

/**
 * The requests of one WebSocket handed to the core and not yet answered, and the one owner of whether the
 * socket is read once it is a WebSocket. At the bound no more is read, so a client sending faster than the
 * core answers waits in its own TCP window: nothing it sent is dropped, and nothing piles up here. The bound is
 * on what is read next: frames already read (up to one read's worth) are still handed on, so the count may pass
 * the bound by those. Reading resumes once half of them are answered, so a busy client does not flip the socket
 * on and off with every answer. Event loop only.
 */
final class InFlightRequests {
    private final int max;
    private int count;
    private boolean paused;

    /** {@code max} 0: no bound. */
    InFlightRequests(int max) {
        this.max = max;
    }

    /** The socket becomes a WebSocket's: the HTTP side that paused reading while it answered the upgrade is gone. */
    void start(Channel channel) {
        channel.config().setAutoRead(!paused);
    }

    void dispatched(Channel channel) {
        count++;
        if (max > 0 && count >= max && !paused) {
            paused = true;
            channel.config().setAutoRead(false);
        }
    }

    /** Every request handed to the core is answered. */
    boolean none() {
        return count == 0;
    }

    void answered(Channel channel) {
        count--;
        if (paused && count <= max / 2) {
            paused = false;
            channel.config().setAutoRead(true);
        }
    }
}
