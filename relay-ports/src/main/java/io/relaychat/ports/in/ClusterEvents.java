package io.relaychat.ports.in;

import io.relaychat.ports.model.Appended;
import io.relaychat.ports.model.NewMessage;
import io.relaychat.ports.model.RoomEvent;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * What the adapters that link server nodes (a room event bus, shared presence, send forwarding) tell the
 * core of this node. The core implements it; such an adapter is handed it once, right after the core is
 * built and before the first client connects, and calls it from its own threads. An adapter that never
 * hears of other nodes (a node alone) is never handed it.
 */
public interface ClusterEvents {
    /** An event another node published, for a room this node is subscribed to on the bus. */
    void published(RoomEvent event);

    /**
     * The bus was cut off (events may have been lost on the way) and is receiving again, with every current
     * subscription in place. The core reads what it may have missed from the message store.
     */
    void busResumed();

    /**
     * The bus was not subscribed to these rooms for a while (a subscription that failed, made again since), though it
     * stayed connected: the core reads what they may have missed from the message store, as after
     * {@link #busResumed()} but for these rooms alone. By default, all of {@link #busResumed()}.
     */
    default void roomsResumed(Set<RoomId> rooms) {
        busResumed();
    }

    /**
     * Another node took a send for a room this node stores: store it, tell everyone as for a send of this
     * node's own, and complete with what was stored.
     */
    CompletionStage<Appended> forwarded(NewMessage message);

    /**
     * Shared presence removed the connections of a node that vanished from a room this node has connections
     * in; {@code online} is who is online there afterwards.
     */
    void presenceExpired(RoomId roomId, Map<UserId, String> online);
}
