package io.relaychat.adapter.netty;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Ends the node's open connections on a graceful stop, once the listening socket is closed, within a deadline.
 * <p>
 * HTTP connections are told at once ({@link Event#DRAIN}): each answers the request it has, with
 * {@code Connection: close}, and closes; an idle kept-alive one closes now. WebSockets are told in batches spread
 * over a window, so that their clients do not all reconnect to the other nodes in the same moment; each closes
 * with 1001 once its requests in flight are answered and its pending writes are out. A connection that turns
 * into a WebSocket during the drain is told as one after the batches. Whatever is still open at the deadline is
 * closed hard. Runs on the stopping thread, never on an event loop: it waits.
 */
final class ConnectionDrain {
    /** Told to one connection's pipeline, on its event loop: finish what you have, take nothing new, close. */
    enum Event { DRAIN }

    /** Fewer WebSockets than this close together: so few reconnects at once are no storm. */
    static final int MIN_BATCH = 10;
    /** The window is cut into at most this many batches. */
    static final int MAX_BATCHES = 20;
    private static final long POLL_MILLIS = 10;
    private static final long HARD_CLOSE_WAIT_MILLIS = 1000;
    private static final Logger log = LoggerFactory.getLogger(ConnectionDrain.class);

    private final ChannelGroup connections = new DefaultChannelGroup("connections", GlobalEventExecutor.INSTANCE);
    private final ChannelGroup webSockets;

    ConnectionDrain(ChannelGroup webSockets) {
        this.webSockets = webSockets;
    }

    /** Every accepted connection, HTTP or WebSocket, from its start; a closed one leaves by itself. */
    void track(Channel channel) {
        connections.add(channel);
    }

    /** How many WebSockets close in each batch, and how many batches, for {@code open} of them. */
    static int batches(int open, Duration spread) {
        if (spread.isZero() || open <= MIN_BATCH) {
            return 1;
        }
        return (int) Math.min(MAX_BATCHES, (open + MIN_BATCH - 1) / MIN_BATCH);
    }

    /**
     * Drains every connection, WebSockets over {@code spread} (at most half of {@code grace}), and returns once
     * all are closed or {@code grace} is up, having closed the rest hard.
     */
    void drain(Duration grace, Duration spread) {
        long start = System.nanoTime();
        long deadline = start + grace.toNanos();
        Duration window = spread.compareTo(grace.dividedBy(2)) > 0 ? grace.dividedBy(2) : spread;
        Set<Channel> toldHttp = new HashSet<>();
        Set<Channel> toldWebSockets = new HashSet<>();
        List<Channel> sockets = new ArrayList<>(webSockets);
        tellHttp(toldHttp);

        int batches = batches(sockets.size(), window);
        long interval = window.toNanos() / batches;
        int perBatch = (sockets.size() + batches - 1) / Math.max(1, batches);
        log.info("draining: {} HTTP connection(s) finish their requests; {} WebSocket(s) close in {} batch(es) over {} ms",
                toldHttp.size(), sockets.size(), batches, window.toMillis());
        for (int batch = 0; batch < batches && timeLeft(deadline); batch++) {
            waitUntil(Math.min(deadline, start + batch * interval));
            for (Channel socket : sockets.subList(Math.min(sockets.size(), batch * perBatch),
                    Math.min(sockets.size(), (batch + 1) * perBatch))) {
                tell(socket, toldWebSockets);
            }
            tellHttp(toldHttp);
        }

        while (!connections.isEmpty() && timeLeft(deadline)) {
            tellHttp(toldHttp);
            for (Channel socket : webSockets) {
                tell(socket, toldWebSockets); // became a WebSocket during the drain
            }
            waitUntil(Math.min(deadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS)));
        }
        if (!connections.isEmpty()) {
            log.warn("{} connection(s) still open when the shutdown grace of {} ms ran out; closing them now",
                    connections.size(), grace.toMillis());
            connections.close().awaitUninterruptibly(HARD_CLOSE_WAIT_MILLIS);
        }
    }

    private void tellHttp(Set<Channel> told) {
        for (Channel channel : connections) {
            if (!webSockets.contains(channel)) {
                tell(channel, told);
            }
        }
    }

    private static void tell(Channel channel, Set<Channel> told) {
        if (!told.add(channel)) {
            return;
        }
        try {
            channel.eventLoop().execute(() -> channel.pipeline().fireUserEventTriggered(Event.DRAIN));
        } catch (RejectedExecutionException stopping) {
            channel.close();
        }
    }

    /** Before the deadline, and not told to hurry: an interrupted stop closes what is left at once. */
    private static boolean timeLeft(long deadline) {
        return System.nanoTime() < deadline && !Thread.currentThread().isInterrupted();
    }

    private static void waitUntil(long nanoTime) {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
