package io.relaychat.domain;

import io.relaychat.ports.model.Broadcast;
import io.relaychat.ports.model.ChatMessage;

import java.util.TreeMap;

/**
 * One connection joined to a room, with its own cursor: while it catches up on stored messages, what the
 * room releases is buffered by seq; once live, each message goes out once, never behind one sent already.
 * Guarded by its {@link RoomChannel}'s monitor.
 */
final class RoomSubscription {
    private final LiveConnection connection;
    /** Messages released while the connection was still catching up, by seq; null once live. */
    private TreeMap<Long, Broadcast> buffered = new TreeMap<>();
    private long deliveredUpTo;
    /** The last seq released when the connection joined: a plain join receives what comes after it. */
    private Long joinedAfter;

    RoomSubscription(LiveConnection connection, Long joinedAfter) {
        this.connection = connection;
        this.joinedAfter = joinedAfter;
    }

    LiveConnection connection() {
        return connection;
    }

    /** Null until the room's last stored seq is known. */
    Long joinedAfter() {
        return joinedAfter;
    }

    void joinedAfter(long seq) {
        this.joinedAfter = seq;
    }

    void take(ChatMessage message, Broadcast broadcast) {
        if (buffered != null) {
            buffered.putIfAbsent(message.seq(), broadcast);
        } else if (message.seq() > deliveredUpTo) {
            deliveredUpTo = message.seq();
            connection.deliver(broadcast);
        }
    }

    /** Ends the catch-up: sends what was buffered after {@code upTo}, then lets live messages through. */
    void goLive(long upTo) {
        if (buffered == null) {
            return;
        }
        deliveredUpTo = upTo;
        TreeMap<Long, Broadcast> pending = buffered;
        buffered = null;
        pending.tailMap(upTo, false).forEach((seq, broadcast) -> {
            deliveredUpTo = seq;
            connection.deliver(broadcast);
        });
    }
}
