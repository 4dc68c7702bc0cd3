package io.relaychat.ports.out;

import io.relaychat.ports.model.ConnectionId;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Who is online in a room, counted over connections: a user is online while at least one of their
 * connections is joined. Entering twice with one connection, or exiting with one that never entered,
 * changes nothing.
 */
public interface PresencePort {
    CompletionStage<RoomPresence> enter(RoomId roomId, ConnectionId connection, UserId userId, String username);

    CompletionStage<RoomPresence> exit(RoomId roomId, ConnectionId connection);

    CompletionStage<Map<UserId, String>> online(RoomId roomId);
}
