package io.relaychat.server;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.relaychat.server.Api.Account;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A multi-node test's fixture (a JUnit extension): fresh {@link SharedServices} for each test, the nodes and sockets
 * the test opens on them, and all of it closed after the test, the newest first.
 */
final class Nodes implements BeforeEachCallback, AfterEachCallback {
    private final Supplier<SharedServices> starter;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private SharedServices services;
    /** The test's own look at Redis, opened on first use. */
    private RedisClient probe;

    private Nodes(Supplier<SharedServices> starter) {
        this.starter = starter;
    }

    /** Nodes on one real redis-server. */
    static Nodes onOneRedis() {
        return new Nodes(SharedServices::start);
    }

    /** Nodes on a real Redis Cluster. */
    static Nodes onCluster() {
        return new Nodes(SharedServices::onCluster);
    }

    /** Nodes on a real Sentinel-managed primary. */
    static Nodes onSentinel() {
        return new Nodes(SharedServices::onSentinel);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        services = starter.get();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
        toClose.clear();
        if (probe != null) {
            probe.shutdown();
        }
        if (services != null) {
            services.close();
        }
    }

    SharedServices services() {
        return services;
    }

    /** A node in this JVM, with {@code extraSettings} (name and value in turn) over the services' settings. */
    RunningServer node(String... extraSettings) {
        return closedAfter(RunningServer.start(services.nodeEnv(extraSettings)));
    }

    /** A node that can be killed as a process dies: no goodbye to Redis, its sockets just close. */
    ServerProcess nodeInItsOwnProcess() throws IOException {
        // The secret of the nodes in this JVM, so that the tokens they issue are good here too; and their loopback.
        Map<String, String> processEnv = new HashMap<>(services.nodeEnv());
        processEnv.put("JWT_SECRET_KEY", RunningServer.SECRET);
        processEnv.put("HOST", "127.0.0.1");
        return closedAfter(ServerProcess.start(processEnv));
    }

    WsClient connect(RunningServer node, Account account) {
        return closedAfter(WsClient.connect(node.ws(account.token())));
    }

    /** A call on the one redis-server, to see what the nodes keep there. */
    <T> T onRedis(Function<RedisCommands<String, String>, T> call) {
        if (probe == null) {
            probe = RedisClient.create(services.redis.url());
        }
        try (StatefulRedisConnection<String, String> connection = probe.connect()) {
            return call.apply(connection.sync());
        }
    }

    private <T extends AutoCloseable> T closedAfter(T closeable) {
        toClose.add(0, closeable);
        return closeable;
    }
}
