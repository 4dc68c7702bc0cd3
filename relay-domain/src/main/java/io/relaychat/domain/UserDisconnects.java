package io.relaychat.domain;

import io.relaychat.ports.model.RoomEvent.UserDisconnected;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.RoomEventBus;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Closes every connection of a user, on every node: this node's at once, the others' when they hear of it on
 * {@link #CHANNEL}, which every node listens on from the start (a user's connection may have joined no room, so no
 * room's channel would reach it). Each close is the transport's, saying {@link #REASON}; the core's connection
 * then ends as on any close.
 */
final class UserDisconnects {
    /** No chat room has this id (room ids are the store's UUIDs): the bus channel of disconnects alone. */
    static final RoomId CHANNEL = new RoomId("system:disconnects");
    static final String REASON = "Disconnected by the server";

    private final LocalConnections connections;
    private final RoomEventBus bus;
    private final Faults faults;

    UserDisconnects(LocalConnections connections, RoomEventBus bus, Faults faults) {
        this.connections = connections;
        this.bus = bus;
        this.faults = faults;
    }

    /** Starts listening for other nodes' disconnects; once, as the core is built. */
    void listen() {
        bus.subscribe(CHANNEL).whenComplete((done, error) -> {
            if (error != null) {
                faults.report(error);
            }
        });
    }

    /**
     * Completes with how many connections of the user this node closed, once the other nodes have been told (or
     * the telling failed: a node the bus cannot reach now cannot be told later either, and says so as a fault).
     */
    CompletionStage<Integer> disconnect(UserId userId) {
        int closed = closeHere(userId);
        return bus.publish(new UserDisconnected(CHANNEL, userId)).handle((done, error) -> {
            if (error != null) {
                faults.report(error);
            }
            return closed;
        });
    }

    void heard(UserDisconnected event) {
        closeHere(event.userId());
    }

    private int closeHere(UserId userId) {
        List<LiveConnection> own = connections.of(userId);
        own.forEach(connection -> connection.disconnect(REASON));
        return own.size();
    }
}
