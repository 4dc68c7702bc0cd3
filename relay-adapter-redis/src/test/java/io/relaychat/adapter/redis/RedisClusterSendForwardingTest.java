package io.relaychat.adapter.redis;

import io.relaychat.testkit.IntegrationTest;
import io.relaychat.testkit.RedisClusterProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The send forwarding tests, every one of them, on a Redis Cluster of three masters with a replica each: each
 * node's inbox is a sharded channel on the shard its name hashes to, and the roster's keys share one slot.
 */
@IntegrationTest
class RedisClusterSendForwardingTest extends RedisSendForwardingTest {
    private static RedisClusterProcess cluster;

    @BeforeEach
    @Override
    void startRedis() {
        if (cluster == null) {
            cluster = RedisClusterProcess.start();
        }
        assumeTrue(cluster.binary().atLeast(7, 0), () -> cluster.binary().tooOldFor("sharded pub/sub", 7, 0));
        cluster.flushAll(); // each test starts from an empty roster, as on a server of its own
    }

    @AfterEach
    @Override
    void stop() {
        closeNodes();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    @Override
    protected RedisSettings settings() {
        return RedisSettings.cluster(cluster.url()).withNodeTtl(Duration.ofMillis(600));
    }
}
