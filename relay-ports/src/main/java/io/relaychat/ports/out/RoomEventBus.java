package io.relaychat.ports.out;

import io.relaychat.ports.model.RoomEvent;
import io.relaychat.ports.model.RoomId;

import java.util.concurrent.CompletionStage;

/**
 * Carries room events between server nodes. A node delivers to its own connections itself and
 * publishes for the others; it never receives its own publications back, and receives a room's
 * events only while subscribed to that room. What it receives goes to the core's
 * {@link io.relaychat.ports.in.ClusterEvents}, which an implementation is handed when it is wired.
 * Delivery is best effort: what a node misses while the bus is down it reads from the message store
 * once told the bus resumed.
 */
public interface RoomEventBus {

    CompletionStage<Void> publish(RoomEvent event);

    /**
     * Starts receiving the room's events. Completes once they flow, or once the wish is recorded if the
     * bus is down: it subscribes when it is back and then tells the core the bus resumed.
     */
    CompletionStage<Void> subscribe(RoomId roomId);

    CompletionStage<Void> unsubscribe(RoomId roomId);

    /** False while the bus cannot reach the other nodes; local delivery goes on regardless. */
    default boolean isAvailable() {
        return true;
    }
}
