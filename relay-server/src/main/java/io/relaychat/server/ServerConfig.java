package io.relaychat.server;

import io.relaychat.adapter.auth.BcryptPasswordHasher;
import io.relaychat.adapter.auth.JwtTokens;
import io.relaychat.adapter.local.InMemoryMessageStore;
import io.relaychat.adapter.mongo.MongoSettings;
import io.relaychat.adapter.netty.NettyTransport;
import io.relaychat.adapter.netty.TransportSettings;
import io.relaychat.adapter.redis.RedisSettings;
import io.relaychat.domain.Limits;
import io.relaychat.domain.ReadinessBounds;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Everything the server reads from its environment, checked once at start-up. Names follow the
 * existing Python app (PORT, MONGO_URL, DB_NAME, REDIS_URL, JWT_SECRET_KEY, CORS_ORIGINS); limits
 * are RELAY_*. See README.md for the table.
 */
public record ServerConfig(
        TransportSettings transport,
        String mongoUrl,
        String dbName,
        Duration mongoTimeout,
        String mongoWriteConcern,
        String mongoReadPreference,
        int mongoMaxPoolSize,
        int historyTtlDays,
        String redisUrl,
        boolean redisShardedPubSub,
        Duration presenceTtl,
        String jwtSecret,
        Duration tokenLifetime,
        Path uploadDir,
        int memoryHistoryPerRoom,
        Limits limits,
        int bcryptCost,
        int bcryptThreads,
        Duration bcryptMaxWait,
        Duration shutdownGrace,
        Duration shutdownSpread,
        ReadinessBounds readiness,
        MetricsSettings metrics) {

    public static final int MIN_SECRET_BYTES = 32;

    public ServerConfig {
        if (redisUrl != null && jwtSecret == null) {
            throw new ConfigException("REDIS_URL is set, so JWT_SECRET_KEY must be too: a token issued by one node "
                    + "must be valid on every node, so they need one shared secret");
        }
        if (redisUrl != null && mongoUrl == null) {
            throw new ConfigException("REDIS_URL is set, so MONGO_URL must be too: the nodes of one service must "
                    + "share one store of users, rooms and messages");
        }
        if (jwtSecret != null && jwtSecret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new ConfigException("JWT_SECRET_KEY must be at least " + MIN_SECRET_BYTES
                    + " bytes long; generate one with: openssl rand -base64 48");
        }
    }

    /**
     * Reads the configuration from environment variables; missing ones take their defaults, which are the
     * core's ({@link Limits#defaults()}) and the transport's ({@link TransportSettings#defaults()}).
     */
    public static ServerConfig fromEnvironment(Map<String, String> env) {
        EnvReader read = new EnvReader(env);
        TransportSettings transport = TransportConfig.fromEnvironment(read);
        return new ServerConfig(
                transport,
                read.text("MONGO_URL", null),
                read.text("DB_NAME", "relaychat"),
                Duration.ofMillis(read.integer("RELAY_MONGO_TIMEOUT_MS", (int) MongoSettings.DEFAULT_TIMEOUT.toMillis(),
                        100, 120_000)),
                read.text("RELAY_MONGO_WRITE_CONCERN", null),
                read.text("RELAY_MONGO_READ_PREFERENCE", null),
                read.integer("RELAY_MONGO_MAX_POOL_SIZE", MongoSettings.DEFAULT_MAX_POOL_SIZE, 1, 10_000),
                read.integer("RELAY_HISTORY_TTL_DAYS", 0, 0, 36_500),
                read.text("REDIS_URL", null),
                read.bool("REDIS_SHARDED_PUBSUB", false),
                Duration.ofMillis(read.integer("RELAY_PRESENCE_TTL_MS", (int) RedisSettings.DEFAULT_NODE_TTL.toMillis(),
                        300, 600_000)),
                read.text("JWT_SECRET_KEY", null),
                Duration.ofHours(read.integer("RELAY_TOKEN_TTL_HOURS", (int) JwtTokens.DEFAULT_LIFETIME.toHours(), 1,
                        24 * 365)),
                Path.of(read.text("RELAY_UPLOAD_DIR", "data/uploads")),
                read.integer("RELAY_MEMORY_HISTORY_PER_ROOM", InMemoryMessageStore.DEFAULT_MESSAGES_PER_ROOM, 0,
                        100_000_000),
                CoreLimits.fromEnvironment(read),
                read.integer("RELAY_BCRYPT_COST", BcryptPasswordHasher.DEFAULT_COST, BcryptPasswordHasher.MIN_COST,
                        BcryptPasswordHasher.MAX_COST),
                read.integer("RELAY_BCRYPT_THREADS", BcryptPasswordHasher.defaultThreads(), 1, 256),
                Duration.ofMillis(read.integer("RELAY_BCRYPT_MAX_WAIT_MS",
                        (int) BcryptPasswordHasher.DEFAULT_MAX_WAIT.toMillis(), 0, 600_000)),
                Duration.ofSeconds(read.integer("RELAY_SHUTDOWN_GRACE_SECONDS", 10, 0, 600)),
                Duration.ofSeconds(read.integer("RELAY_SHUTDOWN_SPREAD_SECONDS",
                        (int) NettyTransport.DEFAULT_CLOSE_SPREAD.toSeconds(), 0, 600)),
                new ReadinessBounds(
                        Duration.ofMillis(read.integer("RELAY_READY_TIMEOUT_MS",
                                (int) ReadinessBounds.DEFAULT_PROBE_TIMEOUT.toMillis(), 0, 600_000)),
                        Duration.ofMillis(read.integer("RELAY_READY_CACHE_MS",
                                (int) ReadinessBounds.DEFAULT_KEEP_ANSWER.toMillis(), 0, 600_000))),
                // A port of its own, off by default: the public port never shows the metrics.
                new MetricsSettings(read.text("RELAY_METRICS_HOST", transport.host()),
                        read.integer("RELAY_METRICS_PORT", 0, 0, 65_535)));
    }
}
