package io.relaychat.adapter.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.relaychat.ports.model.ConnectionId;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.PresencePort;
import io.relaychat.ports.out.RoomPresence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
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
import java.util.function.BiConsumer;

/**
 * Cluster-wide presence in Redis. Each room is a hash {@code relay:presence:<room id>} from connection id
 * to the node, user and username of the connection. Entries do not expire one by one: a node keeps one key,
 * {@code relay:node:<node id>}, alive with a heartbeat, and an entry counts only while its node's key lives.
 * So a node that dies vanishes from every room within the node TTL, at the cost of one write per heartbeat
 * instead of one per connection. Every node also enters itself in {@code relay:nodes} (scored by Redis's clock);
 * a heartbeat reads that roster, so it costs the same whether the node is in one room or ten thousand. Only
 * when a node on it has died does each node sweep its own rooms, removing the dead node's entries and telling
 * the core, which tells the room.
 * <p>
 * Entering and leaving read the room and change it in one script, so concurrent joins of one user on two
 * nodes agree on which of them brought the user online.
 */
final class RedisPresence implements PresencePort {
    private static final Logger log = LoggerFactory.getLogger(RedisPresence.class);
    static final String ROOM_PREFIX = "relay:presence:";
    static final String NODE_PREFIX = "relay:node:";
    static final String ROSTER = "relay:nodes";
    private static final char SEPARATOR = '\u001f';
    private static final String ENTER = "local before = redis.call('HGETALL', KEYS[1]) "
            + "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) return before";
    private static final String EXIT = "local before = redis.call('HGETALL', KEYS[1]) "
            + "redis.call('HDEL', KEYS[1], ARGV[1]) return before";
    /**
     * Puts this node on the roster (KEYS[1]) scored by Redis's clock, drops nodes silent for ARGV[2] ms, and
     * answers the roster. One key, like every other script here, so that it runs on Redis Cluster too.
     */
    private static final String ENLIST = "redis.replicate_commands() "
            + "local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) "
            + "redis.call('ZADD', KEYS[1], now, ARGV[1]) "
            + "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2])) "
            + "return redis.call('ZRANGE', KEYS[1], 0, -1)";
    /** How long a silent node stays on the roster: long enough for every live node to have swept for it. */
    private static final Duration ROSTER_MEMORY = Duration.ofMinutes(5);

    private final String nodeId;
    private final StatefulRedisConnection<String, String> redis;
    private final Duration nodeTtl;
    /** This node's own entries, by room: written back after Redis lost them, swept for dead neighbours. */
    private final Map<RoomId, Map<ConnectionId, String>> local = new ConcurrentHashMap<>();
    /** Exits Redis did not take while it was away; done once it is back. */
    private final Set<Map.Entry<RoomId, ConnectionId>> pendingExits = ConcurrentHashMap.newKeySet();
    /** Other nodes' liveness, each answer trusted for a short while to spare a round trip per read. */
    private final Map<String, Long> aliveUntilNanos = new ConcurrentHashMap<>();
    private volatile BiConsumer<RoomId, Map<UserId, String>> expiryListener = (room, online) -> { };
    /** The other nodes alive at the last heartbeat: among them and this one, the rooms are divided. */
    private volatile Set<String> otherLiveNodes = Set.of();
    /** Dead nodes this node has swept its rooms for; a node that comes back to life is taken off again. */
    private final Set<String> sweptFor = ConcurrentHashMap.newKeySet();
    private volatile boolean firstHeartbeat = true;
    private volatile boolean available = true;

    RedisPresence(String nodeId, StatefulRedisConnection<String, String> redis, Duration nodeTtl) {
        this.nodeId = nodeId;
        this.redis = redis;
        this.nodeTtl = nodeTtl;
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
    public void onExpired(BiConsumer<RoomId, Map<UserId, String>> listener) {
        this.expiryListener = listener;
    }

    @Override
    public boolean isAvailable() {
        return available;
    }

    private CompletableFuture<Map<ConnectionId, Entry>> script(String script, RoomId roomId, ConnectionId connection,
                                                               String value) {
        return redis.async().<List<Object>>eval(script, ScriptOutputType.MULTI, new String[] {ROOM_PREFIX + roomId.value()},
                connection.value(), value).toCompletableFuture().thenApply(RedisPresence::entriesOf);
    }

    private CompletableFuture<Map<ConnectionId, Entry>> entries(RoomId roomId) {
        return redis.async().hgetall(ROOM_PREFIX + roomId.value()).toCompletableFuture().thenApply(hash -> {
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
        Set<String> nodes = new HashSet<>();
        entries.values().forEach(entry -> nodes.add(entry.node()));
        return aliveNodes(nodes).thenApply(alive -> {
            Map<UserId, String> users = new LinkedHashMap<>();
            entries.values().stream().filter(entry -> alive.contains(entry.node()))
                    .forEach(entry -> users.putIfAbsent(entry.userId(), entry.username()));
            return users;
        });
    }

    private CompletableFuture<Set<String>> aliveNodes(Set<String> nodes) {
        long now = System.nanoTime();
        Set<String> alive = new HashSet<>();
        List<String> unknown = new ArrayList<>();
        for (String node : nodes) {
            Long until = aliveUntilNanos.get(node);
            if (node.equals(nodeId) || (until != null && until - now > 0)) {
                alive.add(node);
            } else {
                unknown.add(node);
            }
        }
        if (unknown.isEmpty()) {
            return CompletableFuture.completedFuture(alive);
        }
        List<CompletableFuture<Boolean>> checks = new ArrayList<>();
        for (String node : unknown) {
            checks.add(redis.async().exists(NODE_PREFIX + node).toCompletableFuture().thenApply(count -> count > 0));
        }
        return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).thenApply(done -> {
            long trustedUntil = System.nanoTime() + Math.min(nodeTtl.toNanos() / 3, Duration.ofSeconds(1).toNanos());
            for (int i = 0; i < unknown.size(); i++) {
                if (checks.get(i).join()) {
                    alive.add(unknown.get(i));
                    aliveUntilNanos.put(unknown.get(i), trustedUntil);
                } else {
                    aliveUntilNanos.remove(unknown.get(i));
                }
            }
            return alive;
        });
    }

    /**
     * One heartbeat: keep this node alive and on the roster, then sweep this node's rooms if a node on the
     * roster has died since the last one. A node whose key had run out (a pause longer than the TTL: the others
     * have swept its entries) writes its presence back.
     */
    void heartbeat() {
        // SET ... GET answers the key's previous value: none means this node had been taken for dead.
        CompletableFuture<String> beat = redis.async()
                .setGet(NODE_PREFIX + nodeId, "1", SetArgs.Builder.px(nodeTtl.toMillis())).toCompletableFuture();
        CompletableFuture<List<Object>> roster = redis.async().<List<Object>>eval(ENLIST, ScriptOutputType.MULTI,
                new String[] {ROSTER}, nodeId, String.valueOf(ROSTER_MEMORY.toMillis())).toCompletableFuture();
        beat.thenCombine(roster, (previous, members) -> {
            if (previous == null && !firstHeartbeat && available) {
                writeBack("this node was silent for longer than its TTL of " + nodeTtl.toMillis() + " ms");
            }
            firstHeartbeat = false;
            Set<String> others = new HashSet<>();
            members.forEach(node -> others.add(String.valueOf(node)));
            others.remove(nodeId);
            sweepForDeadAmong(others);
            return null;
        }).exceptionally(error -> {
            markUnavailable(error);
            return null;
        });
    }

    /** The other nodes alive at the last heartbeat. */
    Set<String> otherLiveNodes() {
        return otherLiveNodes;
    }

    private void sweepForDeadAmong(Set<String> roster) {
        sweptFor.retainAll(roster);
        if (roster.isEmpty()) {
            otherLiveNodes = Set.of();
            return;
        }
        aliveNodes(roster).thenAccept(alive -> {
            otherLiveNodes = Set.copyOf(alive);
            boolean newlyDead = false;
            for (String node : roster) {
                if (alive.contains(node)) {
                    sweptFor.remove(node);
                } else if (sweptFor.add(node)) {
                    newlyDead = true;
                }
            }
            if (newlyDead) {
                local.keySet().forEach(this::sweep);
            }
        }).exceptionally(error -> {
            log.debug("checking the nodes on the roster failed: {}", error.getMessage());
            return null;
        });
    }

    private void sweep(RoomId roomId) {
        entries(roomId).thenCompose(entries -> {
            Set<String> nodes = new HashSet<>();
            entries.values().forEach(entry -> nodes.add(entry.node()));
            return aliveNodes(nodes).thenCompose(alive -> {
                List<String> dead = new ArrayList<>();
                entries.forEach((connection, entry) -> {
                    if (!alive.contains(entry.node())) {
                        dead.add(connection.value());
                    }
                });
                if (dead.isEmpty()) {
                    return CompletableFuture.completedFuture(0L);
                }
                return redis.async().hdel(ROOM_PREFIX + roomId.value(), dead.toArray(String[]::new)).toCompletableFuture();
            });
        }).thenCompose(removed -> removed > 0 ? online(roomId).thenAccept(online -> expiryListener.accept(roomId, online))
                : CompletableFuture.completedFuture(null)).exceptionally(error -> {
            log.debug("presence sweep of {} failed: {}", roomId, error.getMessage());
            return null;
        });
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
     * Redis is back, perhaps empty after a restart: write this node's heartbeat and entries again, and carry
     * out the exits it missed.
     */
    void reconnected() {
        writeBack("Redis reachable again");
    }

    private void writeBack(String occasion) {
        Map<String, Map<String, String>> byRoom = new HashMap<>();
        local.forEach((room, entries) -> {
            Map<String, String> fields = new HashMap<>();
            entries.forEach((connection, value) -> fields.put(connection.value(), value));
            if (!fields.isEmpty()) {
                byRoom.put(ROOM_PREFIX + room.value(), fields);
            }
        });
        List<CompletableFuture<?>> writes = new ArrayList<>();
        writes.add(redis.async().set(NODE_PREFIX + nodeId, "1", SetArgs.Builder.px(nodeTtl.toMillis()))
                .toCompletableFuture());
        byRoom.forEach((key, fields) -> writes.add(redis.async().hset(key, fields).toCompletableFuture()));
        for (Map.Entry<RoomId, ConnectionId> exit : Set.copyOf(pendingExits)) {
            writes.add(redis.async().hdel(ROOM_PREFIX + exit.getKey().value(), exit.getValue().value())
                    .toCompletableFuture().thenRun(() -> pendingExits.remove(exit)));
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).whenComplete((done, error) -> {
            if (error == null) {
                available = true;
                log.info("{}: presence of {} room(s) written back", occasion, byRoom.size());
            } else {
                log.warn("{}, but writing presence back failed: {}", occasion, error.getMessage());
            }
        });
    }

    /** On a graceful stop: this node's entries and heartbeat go at once rather than when the TTL runs out. */
    CompletableFuture<Void> leaveAll() {
        List<CompletableFuture<?>> deletes = new ArrayList<>();
        local.forEach((room, entries) -> {
            if (!entries.isEmpty()) {
                deletes.add(redis.async().hdel(ROOM_PREFIX + room.value(),
                        entries.keySet().stream().map(ConnectionId::value).toArray(String[]::new)).toCompletableFuture());
            }
        });
        deletes.add(redis.async().del(NODE_PREFIX + nodeId).toCompletableFuture());
        deletes.add(redis.async().zrem(ROSTER, nodeId).toCompletableFuture()); // gone, not dead: nobody need sweep
        return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new));
    }
}
