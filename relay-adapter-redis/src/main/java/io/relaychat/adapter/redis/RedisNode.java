package io.relaychat.adapter.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.relaychat.ports.in.ClusterEvents;
import io.relaychat.ports.model.Failures;
import io.relaychat.ports.out.DependencyProbe;
import io.relaychat.ports.out.PresencePort;
import io.relaychat.ports.out.RelayMetrics;
import io.relaychat.ports.out.RoomEventBus;
import io.relaychat.ports.out.SendForwarding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One server node's link to Redis: a command connection (publishing, presence, the roster) and a pub/sub
 * connection (room channels, the node's inbox) to one server, a Sentinel-managed primary or a Redis Cluster
 * ({@link RedisLink}), the room event bus, presence and send forwarding built on them, and the heartbeat of the
 * node's place on the {@link NodeRoster}. Lettuce reconnects by itself, backing off from 100 ms to 1 s (its default
 * grows to 30 s, far too long for chat); once both connections are back, the bus re-subscribes and presence is
 * written back. On a cluster, where one shard can fail over while the others serve on, {@link ClusterWatch} has
 * every subscription made again whenever a shard may have lost some.
 */
public final class RedisNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisNode.class);

    private final String nodeId = UUID.randomUUID().toString();
    private final RedisSettings settings;
    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final ScheduledExecutorService timer;
    private final RedisLink link;
    private final NodeRoster roster;
    private final RedisRoomEventBus bus;
    private final RedisPresence presence;
    private final RedisSendForwarding forwarding;
    private final ConnectionWatch watch = new ConnectionWatch();
    private final ClusterWatch clusterWatch;

    private RedisNode(RedisSettings settings, RelayMetrics metrics) {
        this.settings = settings;
        this.resources = DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .build();
        this.client = RedisLink.client(settings, resources);
        client.addListener(watch);
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "relay-redis-" + nodeId.substring(0, 8));
            thread.setDaemon(true);
            return thread;
        });
        try {
            this.link = RedisLink.open(client);
        } catch (RuntimeException e) {
            shutdown();
            throw new IllegalStateException("cannot reach " + settings.describe() + ": " + e.getMessage(), e);
        }
        Channels channels = new Channels(settings.sharded(), link.commands, link.pubSub);
        this.roster = new NodeRoster(nodeId, link.commands, settings.nodeTtl());
        this.bus = new RedisRoomEventBus(nodeId, channels, timer, metrics);
        this.presence = new RedisPresence(nodeId, link.commands, roster);
        roster.addListener(presence);
        this.forwarding = new RedisSendForwarding(nodeId, channels, timer, roster, bus::isAvailable);
        if (link.cluster) {
            this.clusterWatch = new ClusterWatch(resources, timer, this::resubscribeAll);
            bus.onPublishFailure(clusterWatch::publicationFailed);
            String inbox = RedisKeys.inbox(nodeId);
            channels.onShardedSubscriptionEnded(channel -> {
                if (bus.wants(channel) || channel.equals(inbox)) {
                    clusterWatch.subscriptionEnded(channel);
                }
            });
            try {
                link.connectToMasters().get(settings.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                abandon();
                throw new IllegalStateException("cannot reach every master of " + settings.describe() + ": "
                        + e.getMessage(), e);
            }
        } else {
            this.clusterWatch = null;
        }
        try {
            forwarding.open().get(settings.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            abandon();
            throw new IllegalStateException("cannot subscribe to this node's inbox on " + settings.describe()
                    + ": " + e.getMessage(), e);
        }
        roster.heartbeat();
        long every = Math.max(100, settings.nodeTtl().toMillis() / 3);
        timer.scheduleAtFixedRate(roster::heartbeat, every, every, TimeUnit.MILLISECONDS);
    }

    /** Connects both connections; fails with the reason when Redis cannot be reached at start-up. */
    public static RedisNode connect(RedisSettings settings) {
        return connect(settings, RelayMetrics.NONE);
    }

    /** {@code metrics}: told of each message received from another node (its bus latency) and of bus errors. */
    public static RedisNode connect(RedisSettings settings, RelayMetrics metrics) {
        return new RedisNode(settings, metrics);
    }

    /**
     * Hands the core what this node hears from the others: events on the bus and its resumption, presence
     * of vanished nodes, sends to store. Called once, right after the core is built and before any client
     * connects; until then what arrives is dropped and a send handed here is answered as failed.
     */
    public void attach(ClusterEvents core) {
        bus.attach(core);
        presence.attach(core);
        forwarding.attach(core);
    }

    public RoomEventBus bus() {
        return bus;
    }

    /** This node's name among the others: on the roster, in its inbox's name and in every envelope it publishes. */
    String nodeId() {
        return nodeId;
    }

    public PresencePort presence() {
        return presence;
    }

    /** Which node stores which room's messages: divided among the live nodes. */
    public SendForwarding forwarding() {
        return forwarding;
    }

    /**
     * Readiness's question to Redis ({@link RedisLink#ping}), bounded by the command timeout. While its connection is
     * down it fails at once (commands are rejected, not queued). A failure names only the kind of fault, never the
     * address.
     */
    public DependencyProbe busProbe() {
        return () -> link.ping().<Void>thenApply(answered -> null).exceptionally(error -> {
            throw new CompletionException(pingFailure(error));
        });
    }

    private IllegalStateException pingFailure(Throwable error) {
        Throwable cause = Failures.cause(error);
        String what = cause instanceof RedisCommandTimeoutException ? "did not answer a ping in time"
                : !bus.isAvailable() ? "is not connected (reconnecting)"
                : "did not answer a ping (" + cause.getClass().getSimpleName() + ")";
        return new IllegalStateException("Redis " + what, cause);
    }

    public String describe() {
        return settings.describe() + ", node " + nodeId + ", presence TTL " + settings.nodeTtl().toMillis() + " ms";
    }

    /** Leaves presence and the roster at once (instead of when the TTL runs out), then closes the connections. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            CompletableFuture.allOf(presence.leaveAll(), roster.leave())
                    .get(settings.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("could not remove this node's presence on the way out; it expires within {} ms", settings.nodeTtl().toMillis());
        }
        closeConnections();
    }

    /** Stops without a goodbye, as a killed process would: no presence cleanup, heartbeats just end. */
    void abandon() {
        closeConnections();
    }

    private void closeConnections() {
        if (clusterWatch != null) {
            clusterWatch.close();
        }
        link.close();
        shutdown();
    }

    /**
     * On a cluster, when a shard may have lost some of this node's subscriptions: once a connection to every master is
     * open, the inbox and every room channel are subscribed again (each at the shard serving it now), presence is
     * written back in case a promoted replica had not received all of it, and the core reads what it may have missed
     * from the store. Fails when a subscription could not be made, for {@link ClusterWatch} to try again.
     */
    private CompletableFuture<Void> resubscribeAll(String why) {
        return link.connectToMasters().thenCompose(connected -> {
            presence.reconnected();
            return CompletableFuture.allOf(forwarding.open(), bus.resubscribe());
        });
    }

    private void shutdown() {
        timer.shutdownNow();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    /**
     * Follows both connections; when both are back after either dropped, the bus and presence recover. On a cluster,
     * where those two are not sockets themselves, it follows the pub/sub connections to the shards instead: one that
     * is back after dropping has {@link ClusterWatch} subscribe everything again.
     */
    private final class ConnectionWatch implements RedisConnectionStateListener {
        private boolean commandsDown;
        private boolean pubSubDown;
        /** A cluster's shard pub/sub connections that dropped, by identity: an address is shared by other connections. */
        private final Set<RedisChannelHandler<?, ?>> shardPubSubDown = Collections.newSetFromMap(new IdentityHashMap<>());

        @Override
        public synchronized void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            if (link == null) {
                return; // still connecting: a failure there is the constructor's to report
            }
            if (link.cluster) {
                if (connection instanceof StatefulRedisPubSubConnection<?, ?> && connection != link.pubSub) {
                    shardPubSubDown.add(connection);
                }
                return;
            }
            if (connection == link.commandConnection) {
                commandsDown = true;
            } else if (connection == link.pubSub) {
                pubSubDown = true;
            } else {
                return;
            }
            if (bus != null && presence != null) {
                bus.disconnected();
                presence.disconnected();
            }
        }

        @Override
        public synchronized void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
            if (link == null) {
                return;
            }
            if (link.cluster) {
                if (shardPubSubDown.remove(connection) && clusterWatch != null) {
                    clusterWatch.shardConnectionBack();
                }
                return;
            }
            boolean wasDown = commandsDown || pubSubDown;
            if (connection == link.commandConnection) {
                commandsDown = false;
            } else if (connection == link.pubSub) {
                pubSubDown = false;
            }
            if (wasDown && !commandsDown && !pubSubDown && bus != null && presence != null) {
                presence.reconnected();
                bus.reconnected();
            }
        }
    }
}
