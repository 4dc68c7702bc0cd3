package io.relaychat.domain;

import io.relaychat.ports.model.UserId;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's open connections, by user. A sender's own connections get the echo of its messages whether or
 * not they joined the room (the web UI shows a sent message only when its echo arrives).
 */
final class LocalConnections {
    private final Map<UserId, Set<LiveConnection>> byUser = new ConcurrentHashMap<>();

    /** Adds the connection unless its user has {@code limit} already (0: no limit); false when refused. */
    boolean addUnlessFull(LiveConnection connection, int limit) {
        boolean[] added = {false};
        byUser.compute(connection.user().id(), (id, connections) -> {
            Set<LiveConnection> own = connections == null ? ConcurrentHashMap.newKeySet() : connections;
            if (limit == 0 || own.size() < limit) {
                added[0] = own.add(connection);
            }
            return own.isEmpty() ? null : own;
        });
        return added[0];
    }

    void remove(LiveConnection connection) {
        byUser.computeIfPresent(connection.user().id(), (id, connections) -> {
            connections.remove(connection);
            return connections.isEmpty() ? null : connections;
        });
    }

    List<LiveConnection> of(UserId userId) {
        Set<LiveConnection> own = byUser.get(userId);
        return own == null ? List.of() : List.copyOf(own);
    }
}
