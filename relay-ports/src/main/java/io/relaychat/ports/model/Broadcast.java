package io.relaychat.ports.model;

import java.util.Objects;
import java.util.function.Function;

/**
 * One event on its way to one or many connections. The first transport that needs its wire form
 * encodes it; every other recipient on this node reuses those bytes, so a broadcast to a thousand
 * connections is serialized once.
 * <p>
 * A live message also carries when the core took it in, on the metrics' clock, so that the transport can time its
 * delivery once written; it stays in memory and never goes on the wire.
 */
public final class Broadcast {
    private final ServerEvent event;
    private final long acceptedAt;
    private volatile Object encoded;

    public Broadcast(ServerEvent event) {
        this(event, 0);
    }

    /** @param acceptedAt when the core took the message in ({@code RelayMetrics.timestamp()}); 0: not timed */
    public Broadcast(ServerEvent event, long acceptedAt) {
        this.event = Objects.requireNonNull(event, "event");
        this.acceptedAt = acceptedAt;
    }

    /** When the core took the event in, on the metrics' clock; 0 when it is not timed. */
    public long acceptedAt() {
        return acceptedAt;
    }

    public ServerEvent event() {
        return event;
    }

    /**
     * The event encoded by {@code encoder}, computed on the first call and shared afterwards.
     * All recipients of one broadcast use the same transport encoder, so the cache holds one form.
     */
    @SuppressWarnings("unchecked")
    public <T> T encoded(Function<? super ServerEvent, T> encoder) {
        Object value = encoded;
        if (value == null) {
            synchronized (this) {
                value = encoded;
                if (value == null) {
                    value = Objects.requireNonNull(encoder.apply(event), "encoder result");
                    encoded = value;
                }
            }
        }
        return (T) value;
    }

    @Override
    public String toString() {
        return "Broadcast[" + event + "]";
    }
}
