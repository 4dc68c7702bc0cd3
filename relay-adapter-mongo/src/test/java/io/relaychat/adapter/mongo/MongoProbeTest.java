package io.relaychat.adapter.mongo;

import io.relaychat.ports.out.DependencyProbe;
import io.relaychat.testkit.DependencyProbeContract;
import io.relaychat.testkit.IntegrationTest;
import io.relaychat.testkit.TcpProxy;
import org.junit.jupiter.api.AfterEach;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;

/** The readiness probe of the store, the real driver against the in-process server, cut off by a proxy. */
@IntegrationTest
class MongoProbeTest extends DependencyProbeContract {
    private final InProcessMongo mongo = new InProcessMongo();
    private final TcpProxy proxy = new TcpProxy("127.0.0.1", URI.create(mongo.connectionString()).getPort()).start();

    @AfterEach
    void stop() {
        mongo.close();
        proxy.close();
    }

    @Override
    protected DependencyProbe newProbe() {
        MongoSettings settings = MongoSettings.of("mongodb://127.0.0.1:" + proxy.port(),
                "test_" + UUID.randomUUID().toString().replace("-", "")).withTimeout(Duration.ofMillis(800));
        return mongo.openStorage(settings).probe();
    }

    @Override
    protected void takeDown() {
        proxy.stop();
    }

    @Override
    protected void bringBack() {
        proxy.start();
    }

    @Override
    protected String address() {
        return String.valueOf(proxy.port());
    }
}
