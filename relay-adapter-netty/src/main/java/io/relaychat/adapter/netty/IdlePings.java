package io.relaychat.adapter.netty;

import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Pings the silent WebSockets of one event loop, and closes those that stay silent, from one timer for them all.
 * <p>
 * A timer per WebSocket (Netty's {@code IdleStateHandler}) woke the loop for every ping on its own, and once more
 * for the deadline it moved after the answer: on an idle node of 10 000 WebSockets, a few hundred wake-ups a second,
 * each a round through the selector and the kernel's timers, and most of an idle node's CPU. Here one sweep a
 * {@link #tickOf tick} looks at every WebSocket of the loop, pings each that has been silent for its interval,
 * and closes each silent for twice that; the pings a sweep finds go out in one batch of the loop's outbox, and
 * their answers come back close together.
 * <p>
 * A WebSocket's silence is measured in sweeps: a read only marks it heard (a field write, no clock), and the next
 * sweep starts its silence over. So a ping or close comes up to one tick late, never early, even when the loop was
 * too busy to sweep on time.
 */
final class IdlePings implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(IdlePings.class);

    /** What the sweep does to a WebSocket. Event loop only. */
    interface Silent {
        void ping();

        void closeIdle();
    }

    /** One WebSocket's watch: when it was last heard from, and whether this silence has had its ping. */
    static final class Watch {
        private final Silent session;
        private final long interval;
        /** The sweep that began this silence. */
        private long silentSince;
        /** Read from since the latest sweep. */
        private boolean heard;
        private boolean pinged;
        private boolean cancelled;

        private Watch(Silent session, long interval, long now) {
            this.session = session;
            this.interval = interval;
            this.silentSince = now;
        }

        /** The WebSocket read something: its silence starts over at the next sweep. Event loop only. */
        void heard() {
            heard = true;
        }

        /** The WebSocket closed: no ping or close for it any more; it leaves the sweep at its next tick. */
        void cancel() {
            cancelled = true;
        }
    }

    private final EventExecutor loop;
    private final long tick;
    private final List<Watch> watched = new ArrayList<>();
    /** A sweep is scheduled: while anything is watched. */
    private boolean sweeping;

    IdlePings(EventExecutor loop, Duration tick) {
        this.loop = loop;
        this.tick = tick.toNanos();
    }

    /**
     * The sweep's period for an idle timeout: a 120th of it, so that a ping or close comes at most that much late,
     * and between 10 ms and 1 s. A second at the default 120 s: one sweep a second per event loop, however many
     * WebSockets it holds.
     */
    static Duration tickOf(Duration idleTimeout) {
        long nanos = idleTimeout.toNanos() / 120;
        return Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(TimeUnit.SECONDS.toNanos(1), nanos)));
    }

    /**
     * Watches {@code session}, silent from now on: pinged after {@code interval} without a frame, closed after twice
     * that. Event loop only.
     */
    Watch watch(Silent session, Duration interval) {
        Watch watch = new Watch(session, interval.toNanos(), loop.ticker().nanoTime());
        watched.add(watch);
        if (!sweeping) {
            sweeping = schedule();
        }
        return watch;
    }

    private boolean schedule() {
        try {
            loop.schedule(this, tick, TimeUnit.NANOSECONDS);
            return true;
        } catch (RejectedExecutionException stopping) {
            return false; // the loop is stopping, and its WebSockets with it
        }
    }

    @Override
    public void run() {
        long now = loop.ticker().nanoTime();
        int kept = 0;
        for (int i = 0; i < watched.size(); i++) {
            Watch watch = watched.get(i);
            if (watch.cancelled) {
                continue;
            }
            watched.set(kept++, watch);
            if (watch.heard) {
                watch.heard = false;
                watch.pinged = false;
                watch.silentSince = now;
                continue;
            }
            long silent = now - watch.silentSince;
            try {
                if (silent >= 2 * watch.interval) {
                    watch.cancelled = true; // closing: a slow close is not closed again at the next sweep
                    watch.session.closeIdle();
                } else if (silent >= watch.interval && !watch.pinged) {
                    watch.pinged = true;
                    watch.session.ping();
                }
            } catch (RuntimeException e) {
                log.warn("pinging an idle WebSocket failed", LogSafe.error(e));
            }
        }
        // Every live watch is now before kept, those a ping or close above added included (the loop reached them).
        watched.subList(kept, watched.size()).clear();
        sweeping = !watched.isEmpty() && schedule();
    }

    /** How many WebSockets the sweep still looks at, closed ones not yet dropped included. Event loop only. */
    int watching() {
        return watched.size();
    }

    /** One sweep per event loop of a transport, made on first use. */
    static final class PerLoop {
        private final Duration tick;
        private final ConcurrentHashMap<EventExecutor, IdlePings> sweeps = new ConcurrentHashMap<>();

        PerLoop(Duration idleTimeout) {
            this.tick = tickOf(idleTimeout);
        }

        IdlePings of(EventExecutor loop) {
            return sweeps.computeIfAbsent(loop, executor -> new IdlePings(executor, tick));
        }
    }
}
