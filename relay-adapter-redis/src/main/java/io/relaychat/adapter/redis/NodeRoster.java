package io.relaychat.adapter.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Which nodes are alive, and telling this node's parts when one died or when this node had been taken for
 * dead. A node is alive while its key {@code relay:{nodes}:node:<node id>} lives: a heartbeat keeps it for the TTL,
 * so a node that dies without a goodbye is dead within the TTL, at the cost of one write per heartbeat
 * whatever the node holds. Every node also enters itself on the roster {@code relay:{nodes}} (scored by
 * Redis's clock, so nodes' clocks need not agree); a heartbeat reads the roster rather than anything a node
 * holds, so it costs the same for a node in one room or in ten thousand, and only a death on it makes the
 * users do more.
 */
final class NodeRoster {
    private static final Logger log = LoggerFactory.getLogger(NodeRoster.class);
    /**
     * Puts this node on the roster (KEYS[1]) scored by Redis's clock, drops nodes silent for ARGV[2] ms, and
     * answers the roster.
     */
    private static final String ENLIST = "redis.replicate_commands() "
            + "local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) "
            + "redis.call('ZADD', KEYS[1], now, ARGV[1]) "
            + "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2])) "
            + "return redis.call('ZRANGE', KEYS[1], 0, -1)";
    /** Answers, for each node key (all in the roster's slot, see {@link RedisKeys}), 1 if it lives and 0 if not. */
    private static final String EXISTING = "local found = {} "
            + "for i, key in ipairs(KEYS) do found[i] = redis.call('EXISTS', key) end return found";
    /** How long a silent node stays on the roster: long enough for every live node to have swept for it. */
    private static final Duration ROSTER_MEMORY = Duration.ofMinutes(5);

    /** What the roster tells the parts of this node that keep state on behalf of live nodes. */
    interface Listener {
        /** A node on the roster died since the last heartbeat: what it left behind can go. */
        void nodeDied();

        /**
         * This node's key had run out before this heartbeat (a pause longer than the TTL): the other nodes took
         * it for dead and may have removed what it had written.
         */
        void takenForDead();

        /** A heartbeat did not reach Redis; the next one tries again. */
        void heartbeatFailed(Throwable error);

        /**
         * A heartbeat reached Redis. After failed ones it is the sign that Redis answers again, also when no
         * connection dropped: a command timed out, or a shard of a Redis Cluster failed over.
         */
        void heartbeatReached();
    }

    private final String nodeId;
    private final RedisClusterAsyncCommands<String, String> redis;
    private final Duration ttl;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    /** Other nodes' liveness, each answer trusted for a short while to spare a round trip per read. */
    private final Map<String, Long> aliveUntilNanos = new ConcurrentHashMap<>();
    /** The other nodes alive at the last heartbeat. */
    private volatile Set<String> otherLiveNodes = Set.of();
    /** Dead nodes the listeners were told of; a node that comes back to life is taken off again. */
    private final Set<String> toldDead = ConcurrentHashMap.newKeySet();
    private volatile boolean firstHeartbeat = true;

    NodeRoster(String nodeId, RedisClusterAsyncCommands<String, String> redis, Duration ttl) {
        this.nodeId = nodeId;
        this.redis = redis;
        this.ttl = ttl;
    }

    void addListener(Listener listener) {
        listeners.add(listener);
    }

    /** The other nodes alive at the last heartbeat: among them and this one, the rooms are divided. */
    Set<String> otherLiveNodes() {
        return otherLiveNodes;
    }

    /** Which of {@code nodes} are alive; this node always is. */
    CompletableFuture<Set<String>> alive(Set<String> nodes) {
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
        String[] keys = unknown.stream().map(RedisKeys::node).toArray(String[]::new);
        return redis.<List<Long>>eval(EXISTING, ScriptOutputType.MULTI, keys).toCompletableFuture().thenApply(found -> {
            // A third of the TTL at most: a node is not trusted alive for longer than it takes to be found dead.
            long trustedUntil = System.nanoTime() + Math.min(ttl.toNanos() / 3, Duration.ofSeconds(1).toNanos());
            for (int i = 0; i < unknown.size(); i++) {
                if (found.get(i) > 0) {
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
     * One heartbeat: keep this node alive and on the roster, then find out whether a node on the roster has
     * died since the last one, or whether this node's key had run out. Completes once the listeners were told;
     * never fails, since a failure is told them too.
     */
    CompletableFuture<Void> heartbeat() {
        // SET ... GET answers the key's previous value: none means this node had been taken for dead.
        CompletableFuture<String> beat = redis
                .setGet(RedisKeys.node(nodeId), "1", SetArgs.Builder.px(ttl.toMillis())).toCompletableFuture();
        CompletableFuture<List<Object>> roster = redis.<List<Object>>eval(ENLIST, ScriptOutputType.MULTI,
                new String[] {RedisKeys.ROSTER}, nodeId, String.valueOf(ROSTER_MEMORY.toMillis())).toCompletableFuture();
        return beat.thenCombine(roster, (previous, members) -> {
            if (previous == null && !firstHeartbeat) {
                listeners.forEach(Listener::takenForDead);
            }
            firstHeartbeat = false;
            Set<String> others = new HashSet<>();
            members.forEach(node -> others.add(String.valueOf(node)));
            others.remove(nodeId);
            return others;
        }).handle((others, error) -> {
            if (error != null) {
                listeners.forEach(listener -> listener.heartbeatFailed(error));
                return CompletableFuture.<Void>completedFuture(null);
            }
            listeners.forEach(Listener::heartbeatReached);
            return findTheDeadAmong(others);
        }).thenCompose(done -> done);
    }

    private CompletableFuture<Void> findTheDeadAmong(Set<String> roster) {
        toldDead.retainAll(roster);
        if (roster.isEmpty()) {
            otherLiveNodes = Set.of();
            return CompletableFuture.completedFuture(null);
        }
        return alive(roster).thenAccept(alive -> {
            otherLiveNodes = Set.copyOf(alive);
            boolean newlyDead = false;
            for (String node : roster) {
                if (alive.contains(node)) {
                    toldDead.remove(node);
                } else if (toldDead.add(node)) {
                    newlyDead = true;
                }
            }
            if (newlyDead) {
                listeners.forEach(Listener::nodeDied);
            }
        }).exceptionally(error -> {
            // The roster was read a moment ago, so Redis is there: the next heartbeat asks again.
            log.warn("checking the nodes on the roster failed: {}", error.getMessage());
            return null;
        });
    }

    /** Writes this node's key again without reading the roster: Redis came back, perhaps empty. */
    CompletableFuture<Void> markAlive() {
        return redis.set(RedisKeys.node(nodeId), "1", SetArgs.Builder.px(ttl.toMillis()))
                .toCompletableFuture().thenApply(ok -> null);
    }

    /** On a graceful stop: this node is gone at once, not dead, so nobody need look for what it left. */
    CompletableFuture<Void> leave() {
        return CompletableFuture.allOf(
                redis.del(RedisKeys.node(nodeId)).toCompletableFuture(),
                redis.zrem(RedisKeys.ROSTER, nodeId).toCompletableFuture());
    }
}
