package io.relaychat.adapter.local;

import io.relaychat.ports.model.ConnectionId;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.PresencePort;
import io.relaychat.ports.out.RoomPresence;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Presence of the connections of this process (or of the cores in it that share one instance). */
public final class InMemoryPresence implements PresencePort {
    private final Map<RoomId, Map<ConnectionId, Entry>> rooms = new HashMap<>();

    private record Entry(UserId userId, String username) {
    }

    @Override
    public synchronized CompletionStage<RoomPresence> enter(RoomId roomId, ConnectionId connection, UserId userId,
                                                            String username) {
        Map<ConnectionId, Entry> connections = rooms.computeIfAbsent(roomId, id -> new LinkedHashMap<>());
        Map<UserId, String> before = online(connections);
        connections.put(connection, new Entry(userId, username));
        Map<UserId, String> after = online(connections);
        return CompletableFuture.completedFuture(new RoomPresence(after, !after.equals(before)));
    }

    @Override
    public synchronized CompletionStage<RoomPresence> exit(RoomId roomId, ConnectionId connection) {
        Map<ConnectionId, Entry> connections = rooms.get(roomId);
        if (connections == null || !connections.containsKey(connection)) {
            return CompletableFuture.completedFuture(
                    new RoomPresence(connections == null ? Map.of() : online(connections), false));
        }
        Map<UserId, String> before = online(connections);
        connections.remove(connection);
        Map<UserId, String> after = online(connections);
        if (connections.isEmpty()) {
            rooms.remove(roomId);
        }
        return CompletableFuture.completedFuture(new RoomPresence(after, !after.equals(before)));
    }

    @Override
    public synchronized CompletionStage<Map<UserId, String>> online(RoomId roomId) {
        Map<ConnectionId, Entry> connections = rooms.get(roomId);
        return CompletableFuture.completedFuture(connections == null ? Map.of() : online(connections));
    }

    private static Map<UserId, String> online(Map<ConnectionId, Entry> connections) {
        Map<UserId, String> online = new LinkedHashMap<>();
        connections.values().forEach(entry -> online.put(entry.userId(), entry.username()));
        return Map.copyOf(online);
    }
}
