package io.relaychat.adapter.netty;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The request bodies one node holds at once, over all its connections: each connection's bodies are bounded
 * by their routes, but only this bounds them together. A body is charged for the bytes it has actually sent, as
 * they arrive, never for the length it declares: declaring costs a client nothing, so it must cost the node
 * nothing either. A chunk that does not fit is refused rather than waited for (see {@link RequestBodies}); a body
 * larger than the whole budget still fits while nothing else is held, so a small budget slows the largest
 * uploads down to one at a time but never refuses them for good.
 */
final class BodyBudget {
    private final long capacity;
    private final AtomicLong held = new AtomicLong();

    /** {@code capacity} 0: no budget, every body fits. */
    BodyBudget(long capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative");
        }
        this.capacity = capacity;
    }

    /**
     * Takes {@code bytes} more for a body that already holds {@code alreadyHeld}, if they fit, or if nothing but
     * that body is held; false, taking nothing, if not.
     */
    boolean tryTake(long bytes, long alreadyHeld) {
        if (capacity == 0 || bytes == 0) {
            return true;
        }
        while (true) {
            long before = held.get();
            if (before > alreadyHeld && before + bytes > capacity) {
                return false;
            }
            if (held.compareAndSet(before, before + bytes)) {
                return true;
            }
        }
    }

    void giveBack(long bytes) {
        if (capacity != 0 && bytes != 0) {
            held.addAndGet(-bytes);
        }
    }

    long held() {
        return held.get();
    }
}
