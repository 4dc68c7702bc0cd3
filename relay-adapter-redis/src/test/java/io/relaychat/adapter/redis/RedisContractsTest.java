package io.relaychat.adapter.redis;

import io.relaychat.ports.in.ClusterEvents;
import io.relaychat.ports.out.PresencePort;
import io.relaychat.ports.out.RoomEventBus;
import io.relaychat.testkit.IntegrationTest;
import io.relaychat.testkit.PresenceContract;
import io.relaychat.testkit.RedisClusterProcess;
import io.relaychat.testkit.RedisProcess;
import io.relaychat.testkit.RoomEventBusContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The bus and presence contracts, unchanged, against the Redis adapter on a real redis-server, and on a real Redis
 * Cluster of three masters with a replica each (its room channels and presence hashes spread over the shards); the
 * send forwarding contract runs in {@link RedisSendForwardingTest} and {@link RedisClusterSendForwardingTest}.
 */
@IntegrationTest
class RedisContractsTest {
    private static RedisProcess redis;
    /** Started by the first test that needs it. */
    private static RedisClusterProcess cluster;
    private final List<RedisNode> nodes = new ArrayList<>();

    @BeforeAll
    static void startRedis() {
        redis = RedisProcess.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    private RedisNode clusterNode() {
        if (cluster == null) {
            cluster = RedisClusterProcess.start();
        }
        assumeTrue(cluster.binary().atLeast(7, 0), () -> cluster.binary().tooOldFor("sharded pub/sub", 7, 0));
        RedisNode node = RedisNode.connect(RedisSettings.cluster(cluster.url()));
        nodes.add(node);
        return node;
    }

    @AfterEach
    void closeNodes() {
        nodes.forEach(RedisNode::close);
        nodes.clear();
    }

    private RedisNode node(boolean sharded) {
        RedisNode node = RedisNode.connect(RedisSettings.of(redis.url()).withSharded(sharded));
        nodes.add(node);
        return node;
    }

    private void attachTo(RoomEventBus bus, ClusterEvents core) {
        nodes.stream().filter(node -> node.bus() == bus).findFirst().orElseThrow().attach(core);
    }

    private List<RoomEventBus> buses(int count, boolean sharded) {
        List<RoomEventBus> buses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            buses.add(node(sharded).bus());
        }
        return buses;
    }

    @Nested
    class Bus extends RoomEventBusContract {
        @Override
        protected List<RoomEventBus> newNodes(int count) {
            return buses(count, false);
        }

        @Override
        protected void attach(RoomEventBus bus, ClusterEvents core) {
            attachTo(bus, core);
        }
    }

    @Nested
    class ShardedBus extends RoomEventBusContract {
        @Override
        protected List<RoomEventBus> newNodes(int count) {
            // Asked before any node connects: SSUBSCRIBE and SPUBLISH came with Redis 7.
            assumeTrue(redis.binary().atLeast(7, 0), () -> redis.binary().tooOldFor("sharded pub/sub", 7, 0));
            return buses(count, true);
        }

        @Override
        protected void attach(RoomEventBus bus, ClusterEvents core) {
            attachTo(bus, core);
        }
    }

    @Nested
    class Presence extends PresenceContract {
        @Override
        protected PresencePort newPresence() {
            return node(false).presence();
        }
    }

    @Nested
    class ClusterBus extends RoomEventBusContract {
        @Override
        protected List<RoomEventBus> newNodes(int count) {
            List<RoomEventBus> buses = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                buses.add(clusterNode().bus());
            }
            return buses;
        }

        @Override
        protected void attach(RoomEventBus bus, ClusterEvents core) {
            attachTo(bus, core);
        }
    }

    @Nested
    class ClusterPresence extends PresenceContract {
        @Override
        protected PresencePort newPresence() {
            return clusterNode().presence();
        }
    }
}
