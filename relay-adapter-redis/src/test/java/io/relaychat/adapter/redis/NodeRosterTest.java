package io.relaychat.adapter.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.relaychat.testkit.Await;
import io.relaychat.testkit.IntegrationTest;
import io.relaychat.testkit.RedisProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static io.relaychat.testkit.Await.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Which nodes are alive on a real redis-server, and what the roster tells its listeners. */
@IntegrationTest
class NodeRosterTest {
    private static final Duration TTL = Duration.ofMillis(300);

    private RedisProcess redis;
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;

    @BeforeEach
    void startRedis() {
        redis = RedisProcess.start();
        client = RedisClient.create(redis.url());
        // As RedisNode does: fail at once while disconnected rather than queue.
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(2))).build());
        connection = client.connect();
    }

    @AfterEach
    void stop() {
        connection.close();
        client.shutdown();
        redis.close();
    }

    /** Counts what it is told. */
    private static final class Told implements NodeRoster.Listener {
        final AtomicInteger deaths = new AtomicInteger();
        final AtomicInteger takenForDead = new AtomicInteger();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        final AtomicInteger reached = new AtomicInteger();

        @Override
        public void nodeDied() {
            deaths.incrementAndGet();
        }

        @Override
        public void takenForDead() {
            takenForDead.incrementAndGet();
        }

        @Override
        public void heartbeatFailed(Throwable error) {
            failures.add(error);
        }

        @Override
        public void heartbeatReached() {
            reached.incrementAndGet();
        }
    }

    private NodeRoster aRoster(String nodeId, Told told) {
        NodeRoster roster = new NodeRoster(nodeId, connection.async(), TTL);
        roster.addListener(told);
        return roster;
    }

    private NodeRoster aRoster(Told told) {
        return aRoster(UUID.randomUUID().toString(), told);
    }

    @Test
    void nodesThatBeatSeeEachOtherAsTheOtherLiveNodes() {
        NodeRoster a = aRoster("node-a", new Told());
        NodeRoster b = aRoster("node-b", new Told());

        result(a.heartbeat());
        result(b.heartbeat());
        result(a.heartbeat());

        assertEquals(Set.of("node-b"), a.otherLiveNodes());
        assertEquals(Set.of("node-a"), b.otherLiveNodes());
        assertEquals(Set.of("node-a", "node-b"), result(a.alive(Set.of("node-a", "node-b", "node-never-started"))));
    }

    @Test
    void aNodeThatStopsBeatingIsToldDeadOnceAndLeavesTheLiveNodes() {
        Told told = new Told();
        NodeRoster a = aRoster(told);
        NodeRoster silent = aRoster(new Told());
        result(silent.heartbeat());
        result(a.heartbeat());
        assertEquals(1, a.otherLiveNodes().size());

        Await.until("a finds the silent node dead", () -> {
            result(a.heartbeat());
            return told.deaths.get() > 0;
        });
        for (int i = 0; i < 5; i++) {
            result(a.heartbeat());
        }

        assertEquals(1, told.deaths.get(), "one death, told once");
        assertEquals(Set.of(), a.otherLiveNodes());
    }

    @Test
    void aNodeThatLeavesIsGoneAtOnceAndNobodyIsToldItDied() {
        Told told = new Told();
        NodeRoster a = aRoster(told);
        NodeRoster leaving = aRoster(new Told());
        result(leaving.heartbeat());
        result(a.heartbeat());
        assertEquals(1, a.otherLiveNodes().size());

        result(leaving.leave());
        result(a.heartbeat());

        assertEquals(Set.of(), a.otherLiveNodes());
        assertEquals(0, told.deaths.get());
    }

    @Test
    void aNodeWhoseKeyRanOutIsToldOnItsNextHeartbeatThatItWasTakenForDead() {
        Told told = new Told();
        NodeRoster a = aRoster(told);
        result(a.heartbeat());
        result(a.heartbeat());
        assertEquals(0, told.takenForDead.get(), "a node that keeps beating is not taken for dead");

        connection.sync().del(connection.sync().keys(RedisKeys.NODE_PREFIX + "*").toArray(String[]::new));
        result(a.heartbeat());

        assertEquals(1, told.takenForDead.get());
    }

    @Test
    void theListenersAreToldOfEachHeartbeatThatReachesRedisAndOfEachThatCannot() {
        Told told = new Told();
        NodeRoster a = aRoster(told);
        result(a.heartbeat());
        result(a.heartbeat());
        assertEquals(2, told.reached.get());

        redis.kill();
        Await.until("the connection notices", () -> !connection.isOpen());
        result(a.heartbeat());
        result(a.heartbeat());
        assertEquals(2, told.failures.size(), "each failed heartbeat was reported");
        assertEquals(2, told.reached.get());

        redis.restart();
        Await.until("the connection is back", connection::isOpen);
        result(a.heartbeat());
        assertEquals(3, told.reached.get(), "told that a heartbeat arrives again");
    }
}
