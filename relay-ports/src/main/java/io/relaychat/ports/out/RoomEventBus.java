package io.relaychat.ports.out;

import io.relaychat.ports.model.RoomEvent;
import io.relaychat.ports.model.RoomId;

import java.util.concurrent.CompletionStage;

/**
 * Carries room events between server nodes. A node delivers to its own connections itself and
 * publishes for the others; it never receives its own publications back, and receives a room's
 * events only while subscribed to that room. Delivery is best effort: what a node misses while the
 * bus is down it reads from the message store when told the bus {@link Listener#onResumed resumed}.
 */
public interface RoomEventBus {

    /** What the bus tells the core. */
    interface Listener {
        /** An event published by another node, for a room this node is subscribed to. */
        void onEvent(RoomEvent event);

        /**
         * The bus was cut off (events may have been lost) and is receiving again, with every current
         * subscription in place.
         */
        void onResumed();
    }

    /** Where events from other nodes go; set once, before the first subscription. */
    void listen(Listener listener);

    CompletionStage<Void> publish(RoomEvent event);

    /**
     * Starts receiving the room's events. Completes once they flow, or once the wish is recorded if the
     * bus is down: it subscribes when it is back and then signals {@link Listener#onResumed}.
     */
    CompletionStage<Void> subscribe(RoomId roomId);

    CompletionStage<Void> unsubscribe(RoomId roomId);

    /** False while the bus cannot reach the other nodes; local delivery goes on regardless. */
    default boolean isAvailable() {
        return true;
    }
}
