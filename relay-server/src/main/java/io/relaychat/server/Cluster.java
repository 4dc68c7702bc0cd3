package io.relaychat.server;

import io.relaychat.adapter.local.InMemoryPresence;
import io.relaychat.adapter.local.InProcessEventBus;
import io.relaychat.adapter.local.InProcessProbe;
import io.relaychat.adapter.redis.RedisNode;
import io.relaychat.adapter.redis.RedisSettings;
import io.relaychat.ports.in.ClusterEvents;
import io.relaychat.ports.out.DependencyProbe;
import io.relaychat.ports.out.PresencePort;
import io.relaychat.ports.out.RelayMetrics;
import io.relaychat.ports.out.RoomEventBus;
import io.relaychat.ports.out.SendForwarding;

import java.util.function.Consumer;

/**
 * How this node reaches the others: the room event bus, presence and the division of rooms among the nodes,
 * on Redis when REDIS_URL is set (one server, a Sentinel-managed primary, or a Redis Cluster), in-process (a single node, storing every room) otherwise. {@code probe} is what
 * readiness pings to know the bus is there; {@code description} says which, for the start-up line (Redis by its
 * host and port, never its password).
 */
record Cluster(RoomEventBus bus, PresencePort presence, SendForwarding forwarding, Consumer<ClusterEvents> attachCore,
               DependencyProbe probe, Runnable release, String description) implements AutoCloseable {

    static Cluster from(ServerConfig config, RelayMetrics metrics) {
        if (config.redisUrl() == null) {
            return new Cluster(InProcessEventBus.standalone(), new InMemoryPresence(), SendForwarding.NONE, core -> { },
                    InProcessProbe.INSTANCE, () -> { },
                    "event bus and presence: in-process — a single node; set REDIS_URL to run several nodes");
        }
        RedisSettings settings;
        try {
            settings = new RedisSettings(config.redisUrl(), config.redisCluster(), config.redisShardedPubSub(),
                    config.presenceTtl(), RedisSettings.DEFAULT_COMMAND_TIMEOUT);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("REDIS_URL is not a usable Redis URI: " + e.getMessage());
        }
        RedisNode node = RedisNode.connect(settings, metrics);
        return new Cluster(node.bus(), node.presence(), node.forwarding(), node::attach, node.busProbe(), node::close,
                "event bus and presence: " + node.describe());
    }

    /** Hands what other nodes tell this one to the core; once, before the first client connects. */
    void attach(ClusterEvents core) {
        attachCore.accept(core);
    }

    @Override
    public void close() {
        release.run();
    }
}
