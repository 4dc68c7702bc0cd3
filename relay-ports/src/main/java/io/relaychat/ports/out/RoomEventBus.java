package io.relaychat.ports.out;

import io.relaychat.ports.model.RoomEvent;
import io.relaychat.ports.model.RoomId;

import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Carries room events between server nodes. A node delivers to its own connections itself and
 * publishes for the others; it never receives its own publications back, and receives a room's
 * events only while subscribed to that room.
 */
public interface RoomEventBus {
    /** Where events from other nodes go; set once, before the first subscription. */
    void onEvent(Consumer<RoomEvent> listener);

    CompletionStage<Void> publish(RoomEvent event);

    CompletionStage<Void> subscribe(RoomId roomId);

    CompletionStage<Void> unsubscribe(RoomId roomId);
}
