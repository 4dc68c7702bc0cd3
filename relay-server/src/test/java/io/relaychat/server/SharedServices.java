package io.relaychat.server;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.relaychat.testkit.RedisClusterProcess;
import io.relaychat.testkit.RedisProcess;
import io.relaychat.testkit.RedisSentinelProcess;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * What the nodes of one service share in a test: a store (a MongoDB-compatible server in this JVM, on loopback) and a
 * real redis-server, a real Redis Cluster or a real Sentinel-managed primary, and the settings that point a node at
 * them.
 */
final class SharedServices implements AutoCloseable {
    final MongoServer mongo;
    /** The one redis-server, unless the service runs on {@link #cluster} or {@link #sentinel}. */
    final RedisProcess redis;
    final RedisClusterProcess cluster;
    final RedisSentinelProcess sentinel;
    private final String dbName = "relay_" + UUID.randomUUID().toString().replace("-", "");

    private SharedServices(MongoServer mongo, RedisProcess redis, RedisClusterProcess cluster,
                           RedisSentinelProcess sentinel) {
        this.mongo = mongo;
        this.redis = redis;
        this.cluster = cluster;
        this.sentinel = sentinel;
    }

    static SharedServices start() {
        return withStore(mongo -> new SharedServices(mongo, RedisProcess.start(), null, null));
    }

    /** On a Redis Cluster of three masters with a replica each. */
    static SharedServices onCluster() {
        return withStore(mongo -> new SharedServices(mongo, null, RedisClusterProcess.start(), null));
    }

    /** On a primary, its replica and three sentinels that promote the replica when the primary dies. */
    static SharedServices onSentinel() {
        return withStore(mongo -> new SharedServices(mongo, null, null, RedisSentinelProcess.start()));
    }

    /** The store started first, and stopped again should Redis not start. */
    private static SharedServices withStore(Function<MongoServer, SharedServices> withRedis) {
        MongoServer mongo = startMongo();
        try {
            return withRedis.apply(mongo);
        } catch (RuntimeException e) {
            mongo.shutdownNow();
            throw e;
        }
    }

    private static MongoServer startMongo() {
        MongoServer mongo = new MongoServer(new MemoryBackend());
        mongo.bind("127.0.0.1", 0);
        return mongo;
    }

    /**
     * A node's settings: this store under a database of this service's own, this Redis, and a presence TTL short
     * enough that a test sees a dead node go; then {@code extra}, name and value in turn.
     */
    Map<String, String> nodeEnv(String... extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                "MONGO_URL", "mongodb://127.0.0.1:" + mongo.getLocalAddress().getPort(),
                "DB_NAME", dbName,
                "REDIS_URL", cluster != null ? cluster.url() : sentinel != null ? sentinel.url() : redis.url(),
                "REDIS_CLUSTER", String.valueOf(cluster != null),
                "RELAY_PRESENCE_TTL_MS", "1500"));
        for (int i = 0; i + 1 < extra.length; i += 2) {
            env.put(extra[i], extra[i + 1]);
        }
        return Map.copyOf(env);
    }

    @Override
    public void close() {
        if (redis != null) {
            redis.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (sentinel != null) {
            sentinel.close();
        }
        mongo.shutdownNow();
    }
}
