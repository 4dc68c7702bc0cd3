package io.relaychat.adapter.redis;

import io.relaychat.ports.out.DependencyProbe;
import io.relaychat.testkit.DependencyProbeContract;
import io.relaychat.testkit.IntegrationTest;
import io.relaychat.testkit.RedisProcess;
import org.junit.jupiter.api.AfterEach;

/** The readiness probe of the bus against a real redis-server that is killed and started again. */
@IntegrationTest
class RedisProbeTest extends DependencyProbeContract {
    private final RedisProcess redis = RedisProcess.start();
    private RedisNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        redis.close();
    }

    @Override
    protected DependencyProbe newProbe() {
        node = RedisNode.connect(RedisSettings.of(redis.url()));
        return node.busProbe();
    }

    @Override
    protected void takeDown() {
        redis.kill();
    }

    @Override
    protected void bringBack() {
        redis.restart();
    }

    @Override
    protected String address() {
        return String.valueOf(redis.port());
    }
}
