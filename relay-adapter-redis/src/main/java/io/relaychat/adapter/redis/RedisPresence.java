package io.relaychat.adapter.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.relaychat.ports.in.ClusterEvents;
import io.relaychat.ports.model.ConnectionId;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.PresencePort;
import io.relaychat.ports.out.RoomPresence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Cluster-wide presence in Redis: who is online in each room, over every node. Each room is a hash
 * {@code relay:presence:{<room id>}} from connection id to the node, user and username of the connection.
 * Entries do not expire one by one: an entry counts only while its node is alive on the {@link NodeRoster},
 * so a node that dies vanishes from every room within the node TTL without a write per connection. When the
 * roster says a node died, this node sweeps its own rooms, removes the dead node's entries and tells the
 * core, which tells the room; when it says this node had been taken for dead, the entries go back.
 * <p>
 * Entering and leaving read the room and change it in one script, so concurrent joins of one user on two
 * nodes agree on which of them brought the user online.
 */
final class RedisPresence implements PresencePort, NodeRoster.Listener {
    private static final Logger log = LoggerFactory.getLogger(RedisPresence.class);
    private static final char SEPARATOR = '\u001f';
    private static final String ENTER = "local before = redis.call('HGETALL', KEYS[1]) "
            + "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) return before";
    private static final String EXIT = "local before = redis.call('HGETALL', KEYS[1]) "
            + "redis.call('HDEL', KEYS[1], ARGV[1]) return before";

    private final String nodeId;
    private final RedisClusterAsyncCommands<String, String> redis;
    private final NodeRoster roster;
    /** This node's own entries, by room: written back after Redis lost them, swept for dead neighbours. */
    private final Map<RoomId, Map<ConnectionId, String>> local = new ConcurrentHashMap<>();
    /** Exits Redis did not take while it was away; done once it is back. */
    private final Set<Map.Entry<RoomId, ConnectionId>> pendingExits = ConcurrentHashMap.newKeySet();
    /** Told of rooms a dead node's entries were swept from; until attached, nobody is. */
    private volatile ClusterEvents core;
    private volatile boolean available = true;
    private final AtomicBoolean writingBack = new AtomicBoolean();

    RedisPresence(String nodeId, RedisClusterAsyncCommands<String, String> redis, NodeRoster roster) {
        this.nodeId = nodeId;
        this.redis = redis;
        this.roster = roster;
    }

    void attach(ClusterEvents value) {
        this.core = value;
    }

    private record Entry(String node, UserId userId, String username) {
        static Entry parse(String value) {
            int first = value.indexOf(SEPARATOR);
            int second = value.indexOf(SEPARATOR, first + 1);
            return new Entry(value.substring(0, first), new UserId(value.substring(first + 1, second)),
                    value.substring(second + 1));
        }
    }

    private String encode(UserId userId, String username) {
        return nodeId + SEPARATOR + userId.value() + SEPARATOR + username;
    }

    @Override
    public CompletionStage<RoomPresence> enter(RoomId roomId, ConnectionId connection, UserId userId, String username) {
        String value = encode(userId, username);
        local.computeIfAbsent(roomId, id -> new ConcurrentHashMap<>()).put(connection, value);
        pendingExits.remove(Map.entry(roomId, connection));
        return script(ENTER, roomId, connection, value).thenCompose(before -> {
            Map<ConnectionId, Entry> after = new LinkedHashMap<>(before);
            after.put(connection, Entry.parse(value));
            return changeBetween(before, after);
        });
    }

    @Override
    public CompletionStage<RoomPresence> exit(RoomId roomId, ConnectionId connection) {
        Map<ConnectionId, String> mine = local.get(roomId);
        if (mine != null) {
            mine.remove(connection);
            local.computeIfPresent(roomId, (id, entries) -> entries.isEmpty() ? null : entries);
        }
        return script(EXIT, roomId, connection, "").thenCompose(before -> {
            Map<ConnectionId, Entry> after = new LinkedHashMap<>(before);
            after.remove(connection);
            return changeBetween(before, after);
        }).whenComplete((done, error) -> {
            if (error != null) {
                pendingExits.add(Map.entry(roomId, connection));
            }
        });
    }

    @Override
    public CompletionStage<Map<UserId, String>> online(RoomId roomId) {
        return entries(roomId).thenCompose(this::liveUsers);
    }

    @Override
    public boolean isAvailable() {
        return available;
    }

    private CompletableFuture<Map<ConnectionId, Entry>> script(String script, RoomId roomId, ConnectionId connection,
                                                               String value) {
        return redis.<List<Object>>eval(script, ScriptOutputType.MULTI, new String[] {RedisKeys.presence(roomId)},
                connection.value(), value).toCompletableFuture().thenApply(RedisPresence::entriesOf);
    }

    private CompletableFuture<Map<ConnectionId, Entry>> entries(RoomId roomId) {
        return redis.hgetall(RedisKeys.presence(roomId)).toCompletableFuture().thenApply(hash -> {
            Map<ConnectionId, Entry> entries = new LinkedHashMap<>();
            hash.forEach((connection, value) -> entries.put(new ConnectionId(connection), Entry.parse(value)));
            return entries;
        });
    }

    private static Map<ConnectionId, Entry> entriesOf(List<Object> flat) {
        Map<ConnectionId, Entry> entries = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            entries.put(new ConnectionId(String.valueOf(flat.get(i))), Entry.parse(String.valueOf(flat.get(i + 1))));
        }
        return entries;
    }

    private CompletableFuture<RoomPresence> changeBetween(Map<ConnectionId, Entry> before, Map<ConnectionId, Entry> after) {
        return liveUsers(before).thenCombine(liveUsers(after),
                (was, is) -> new RoomPresence(is, !was.equals(is)));
    }

    /** The users of the entries whose node is alive, in the order they entered. */
    private CompletableFuture<Map<UserId, String>> liveUsers(Map<ConnectionId, Entry> entries) {
        return roster.alive(nodesOf(entries)).thenApply(alive -> {
            Map<UserId, String> users = new LinkedHashMap<>();
            entries.values().stream().filter(entry -> alive.contains(entry.node()))
                    .forEach(entry -> users.putIfAbsent(entry.userId(), entry.username()));
            return users;
        });
    }

    private static Set<String> nodesOf(Map<ConnectionId, Entry> entries) {
        Set<String> nodes = new HashSet<>();
        entries.values().forEach(entry -> nodes.add(entry.node()));
        return nodes;
    }

    @Override
    public void nodeDied() {
        local.keySet().forEach(this::sweep);
    }

    @Override
    public void takenForDead() {
        if (available) { // otherwise the reconnect writes everything back
            writeBack("this node was taken for dead (silent for longer than its TTL)");
        }
    }

    @Override
    public void heartbeatFailed(Throwable error) {
        markUnavailable(error);
    }

    /** While presence is kept locally, each heartbeat that gets through tries to write it back, one try at a time. */
    @Override
    public void heartbeatReached() {
        if (!available && writingBack.compareAndSet(false, true)) {
            writeBack("heartbeats reach Redis again").whenComplete((done, error) -> writingBack.set(false));
        }
    }

    /** Removes the room's entries of dead nodes and, if there were any, tells the core who is online now. */
    private void sweep(RoomId roomId) {
        entries(roomId).thenCompose(entries -> roster.alive(nodesOf(entries)).thenCompose(alive -> {
            String[] dead = entries.entrySet().stream().filter(entry -> !alive.contains(entry.getValue().node()))
                    .map(entry -> entry.getKey().value()).toArray(String[]::new);
            return dead.length == 0 ? CompletableFuture.completedFuture(0L)
                    : redis.hdel(RedisKeys.presence(roomId), dead).toCompletableFuture();
        })).thenCompose(removed -> removed > 0 ? online(roomId).thenAccept(online -> tellExpired(roomId, online))
                : CompletableFuture.<Void>completedFuture(null)).exceptionally(error -> {
            // Once per room: a Redis outage is reported by the heartbeat instead. The dead entries left behind
            // do not count (their node is dead) and go with the next sweep.
            log.debug("presence sweep of {} failed: {}", roomId, error.getMessage());
            return null;
        });
    }

    private void tellExpired(RoomId roomId, Map<UserId, String> online) {
        ClusterEvents receiver = core;
        if (receiver != null) {
            receiver.presenceExpired(roomId, online);
        }
    }

    private void markUnavailable(Throwable error) {
        if (available) {
            available = false;
            log.warn("Redis unreachable: presence is kept locally and written back when it returns ({})", error.getMessage());
        }
    }

    void disconnected() {
        markUnavailable(new IllegalStateException("disconnected"));
    }

    /**
     * Redis is back, perhaps empty after a restart: mark this node alive and write its entries again, and carry
     * out the exits it missed.
     */
    void reconnected() {
        writeBack("Redis reachable again");
    }

    private CompletableFuture<Void> writeBack(String occasion) {
        Map<RoomId, Map<String, String>> byRoom = new HashMap<>();
        local.forEach((room, entries) -> {
            Map<String, String> fields = new HashMap<>();
            entries.forEach((connection, value) -> fields.put(connection.value(), value));
            if (!fields.isEmpty()) {
                byRoom.put(room, fields);
            }
        });
        List<CompletableFuture<?>> writes = new ArrayList<>();
        writes.add(roster.markAlive()); // entries count only while their node is alive
        byRoom.forEach((room, fields) -> writes.add(redis.hset(RedisKeys.presence(room), fields).toCompletableFuture()));
        for (Map.Entry<RoomId, ConnectionId> exit : Set.copyOf(pendingExits)) {
            writes.add(redis.hdel(RedisKeys.presence(exit.getKey()), exit.getValue().value())
                    .toCompletableFuture().thenRun(() -> pendingExits.remove(exit)));
        }
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
                .thenCompose(done -> removeExitedMeanwhile(byRoom)).handle((done, error) -> {
                    if (error == null) {
                        available = true;
                        log.info("{}: presence of {} room(s) written back", occasion, byRoom.size());
                    } else {
                        log.warn("{}, but writing presence back failed: {}", occasion, error.getMessage());
                    }
                    return null;
                });
    }

    /**
     * A connection that left after its entry was read for writing back may have had its exit reach Redis before the
     * write: its entry would be back for as long as this node lives. Removed again here, after the write.
     */
    private CompletableFuture<Void> removeExitedMeanwhile(Map<RoomId, Map<String, String>> written) {
        List<CompletableFuture<?>> deletes = new ArrayList<>();
        written.forEach((room, fields) -> {
            Map<ConnectionId, String> now = local.getOrDefault(room, Map.of());
            String[] gone = fields.keySet().stream().filter(connection -> !now.containsKey(new ConnectionId(connection)))
                    .toArray(String[]::new);
            if (gone.length > 0) {
                deletes.add(redis.hdel(RedisKeys.presence(room), gone).toCompletableFuture());
            }
        });
        return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new));
    }

    /** On a graceful stop: this node's entries go at once rather than when its node is found dead. */
    CompletableFuture<Void> leaveAll() {
        List<CompletableFuture<?>> deletes = new ArrayList<>();
        local.forEach((room, entries) -> {
            if (!entries.isEmpty()) {
                deletes.add(redis.hdel(RedisKeys.presence(room),
                        entries.keySet().stream().map(ConnectionId::value).toArray(String[]::new)).toCompletableFuture());
            }
        });
        return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new));
    }
}
