package io.relaychat.server;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.relaychat.testkit.RedisProcess;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * What the nodes of one service share in a test: a store (a MongoDB-compatible server in this JVM, on loopback) and a
 * real redis-server, and the settings that point a node at them.
 */
final class SharedServices implements AutoCloseable {
    final MongoServer mongo;
    final RedisProcess redis;
    private final String dbName = "relay_" + UUID.randomUUID().toString().replace("-", "");

    private SharedServices(MongoServer mongo, RedisProcess redis) {
        this.mongo = mongo;
        this.redis = redis;
    }

    static SharedServices start() {
        MongoServer mongo = new MongoServer(new MemoryBackend());
        mongo.bind("127.0.0.1", 0);
        try {
            return new SharedServices(mongo, RedisProcess.start());
        } catch (RuntimeException e) {
            mongo.shutdownNow();
            throw e;
        }
    }

    /**
     * A node's settings: this store under a database of this service's own, this Redis, and a presence TTL short
     * enough that a test sees a dead node go; then {@code extra}, name and value in turn.
     */
    Map<String, String> nodeEnv(String... extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                "MONGO_URL", "mongodb://127.0.0.1:" + mongo.getLocalAddress().getPort(),
                "DB_NAME", dbName,
                "REDIS_URL", redis.url(),
                "RELAY_PRESENCE_TTL_MS", "1500"));
        for (int i = 0; i + 1 < extra.length; i += 2) {
            env.put(extra[i], extra[i + 1]);
        }
        return Map.copyOf(env);
    }

    @Override
    public void close() {
        redis.close();
        mongo.shutdownNow();
    }
}
