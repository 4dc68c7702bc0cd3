package io.relaychat.ports.out;

import io.relaychat.ports.model.ConnectionId;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Who is online in a room, counted over connections: a user is online while at least one of their
 * connections is joined. Entering twice with one connection, or exiting with one that never entered,
 * changes nothing. Shared presence (several nodes) must also forget the connections of a node that
 * vanished without saying goodbye, within a bounded time, and tell the core's
 * {@link io.relaychat.ports.in.ClusterEvents#presenceExpired} for the rooms this node has connections in.
 */
public interface PresencePort {
    CompletionStage<RoomPresence> enter(RoomId roomId, ConnectionId connection, UserId userId, String username);

    CompletionStage<RoomPresence> exit(RoomId roomId, ConnectionId connection);

    CompletionStage<Map<UserId, String>> online(RoomId roomId);

    /** False while presence cannot be read or written; joins then go on with what this node knows. */
    default boolean isAvailable() {
        return true;
    }
}
