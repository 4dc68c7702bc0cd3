package io.relaychat.adapter.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A node's two connections to Redis, a command one and a pub/sub one, to whichever kind of deployment the settings
 * name: one server, or the primary a Sentinel names (Lettuce's {@code RedisClient} follows it), or a Redis Cluster
 * ({@code RedisClusterClient}, which routes each command to the shard serving its key and follows the cluster's
 * topology as it changes).
 */
final class RedisLink {
    /**
     * How often a cluster's topology is read even when nothing hints at a change. A failed-over shard is noticed
     * sooner: a connection that cannot reconnect, or a redirection, asks for a fresh read at once (at most one a
     * second).
     */
    static final Duration TOPOLOGY_REFRESH = Duration.ofSeconds(5);

    final AbstractRedisClient client;
    final boolean cluster;
    final StatefulConnection<String, String> commandConnection;
    final RedisClusterAsyncCommands<String, String> commands;
    final StatefulRedisPubSubConnection<String, String> pubSub;

    private RedisLink(AbstractRedisClient client, boolean cluster, StatefulConnection<String, String> commandConnection,
                      RedisClusterAsyncCommands<String, String> commands, StatefulRedisPubSubConnection<String, String> pubSub) {
        this.client = client;
        this.cluster = cluster;
        this.commandConnection = commandConnection;
        this.commands = commands;
        this.pubSub = pubSub;
    }

    /** The client, not yet connected, so that listeners can be added before the first connection. */
    static AbstractRedisClient client(RedisSettings settings, ClientResources resources) {
        TimeoutOptions timeouts = TimeoutOptions.enabled(settings.commandTimeout());
        if (!settings.cluster()) {
            RedisClient client = RedisClient.create(resources, settings.uris().get(0));
            client.setOptions(ClientOptions.builder()
                    .autoReconnect(true)
                    // Fail fast while disconnected instead of queueing without bound; what is lost is caught up later.
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .timeoutOptions(timeouts)
                    .build());
            return client;
        }
        RedisClusterClient client = RedisClusterClient.create(resources, settings.uris());
        client.setOptions(ClusterClientOptions.builder()
                .autoReconnect(true)
                // As on one server: fail fast while a shard is disconnected. A cluster opens its connection to a
                // shard when the first command for it is sent, and would refuse that command too: so the node opens
                // them beforehand (connectToMasters), at start and after every change of the topology.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(timeouts)
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enablePeriodicRefresh(TOPOLOGY_REFRESH)
                        .enableAllAdaptiveRefreshTriggers()
                        .adaptiveRefreshTriggersTimeout(Duration.ofSeconds(1))
                        .refreshTriggersReconnectAttempts(1)
                        .build())
                .build());
        return client;
    }

    /** Opens both connections; fails when Redis cannot be reached. */
    static RedisLink open(AbstractRedisClient client) {
        if (client instanceof RedisClusterClient cluster) {
            StatefulRedisClusterConnection<String, String> commands = cluster.connect();
            try {
                return new RedisLink(client, true, commands, commands.async(), cluster.connectPubSub());
            } catch (RuntimeException e) {
                commands.close();
                throw e;
            }
        }
        RedisClient server = (RedisClient) client;
        StatefulRedisConnection<String, String> commands = server.connect();
        try {
            return new RedisLink(client, false, commands, commands.async(), server.connectPubSub());
        } catch (RuntimeException e) {
            commands.close();
            throw e;
        }
    }

    /**
     * Readiness's ping. On one server, PING on both connections the bus needs: the command one (publishing) and the
     * pub/sub one (receiving). On a cluster both would go to the seed node they first reached, up or not, so the
     * question goes to the shard that keeps the roster instead, as the heartbeats do.
     */
    CompletableFuture<?> ping() {
        if (cluster) {
            return commands.exists(RedisKeys.ROSTER).toCompletableFuture();
        }
        return CompletableFuture.allOf(commands.ping().toCompletableFuture(), pubSub.async().ping().toCompletableFuture());
    }

    /**
     * On a cluster, opens this node's connections to every master, both kinds, before they are needed. Lettuce opens a
     * shard's connection when the first command for it is sent; it refuses the commands sent meanwhile (commands are
     * rejected while disconnected), and would otherwise write them in no particular order once it is open: a burst of
     * publications or forwarded sends, or a SUNSUBSCRIBE and the SSUBSCRIBE after it, could swap. So this runs at start
     * and again after the topology changed, before subscribing.
     */
    CompletableFuture<Void> connectToMasters() {
        if (!cluster) {
            return CompletableFuture.completedFuture(null);
        }
        StatefulRedisClusterConnection<String, String> clusterCommands =
                (StatefulRedisClusterConnection<String, String>) commandConnection;
        StatefulRedisClusterPubSubConnection<String, String> clusterPubSub =
                (StatefulRedisClusterPubSubConnection<String, String>) pubSub;
        List<CompletableFuture<?>> opened = new ArrayList<>();
        for (RedisClusterNode node : clusterCommands.getPartitions()) {
            if (node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.is(RedisClusterNode.NodeFlag.FAIL)) {
                String host = node.getUri().getHost();
                int port = node.getUri().getPort();
                opened.add(clusterCommands.getConnectionAsync(host, port));
                opened.add(clusterPubSub.getConnectionAsync(host, port));
            }
        }
        return CompletableFuture.allOf(opened.toArray(CompletableFuture[]::new));
    }

    void close() {
        commandConnection.close();
        pubSub.close();
    }
}
