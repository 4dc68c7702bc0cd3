package io.relaychat.server;

import io.relaychat.adapter.netty.IoTransport;
import io.relaychat.adapter.netty.TransportSettings;
import io.relaychat.adapter.webhook.WebhookSettings;
import io.relaychat.domain.Limits;
import io.relaychat.domain.ReadinessBounds;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the server reads from its environment, checked once at start-up. Names follow the
 * existing Python app (PORT, MONGO_URL, DB_NAME, REDIS_URL, JWT_SECRET_KEY, CORS_ORIGINS); limits
 * are RELAY_*. {@link Setting} is the table of them all (and docs/configuration.md its rendering).
 */
public record ServerConfig(
        TransportSettings transport,
        IoTransport ioTransport,
        String mongoUrl,
        String dbName,
        Duration mongoTimeout,
        String mongoWriteConcern,
        String mongoReadPreference,
        int mongoMaxPoolSize,
        int historyTtlDays,
        String redisUrl,
        boolean redisCluster,
        boolean redisShardedPubSub,
        Duration presenceTtl,
        String jwtSecret,
        Duration tokenLifetime,
        IdentityConfig identity,
        Path uploadDir,
        int memoryHistoryPerRoom,
        StorageKind storage,
        Path dataDir,
        Duration sqliteBatchWait,
        Duration mongoBatchWait,
        Limits limits,
        int bcryptCost,
        int bcryptThreads,
        Duration bcryptMaxWait,
        Duration shutdownGrace,
        Duration shutdownSpread,
        ReadinessBounds readiness,
        MetricsSettings metrics,
        boolean webClient,
        WebhookSettings webhooks,
        List<String> serverApiKeys) {

    public static final int MIN_SECRET_BYTES = 32;
    /** How long a node on SIGTERM gives what it has received and its WebSockets before closing the rest. */
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);

    /** Where users, rooms and messages live (RELAY_STORAGE). */
    public enum StorageKind {
        MEMORY, SQLITE, MONGODB;

        /**
         * RELAY_STORAGE's value; unset: MongoDB when MONGO_URL is set, else the SQLite file, so that a server started
         * with no settings at all keeps what it is told. Memory is only ever chosen by name.
         */
        static StorageKind of(String name, String mongoUrl) {
            if (name == null) {
                return mongoUrl == null ? SQLITE : MONGODB;
            }
            for (StorageKind kind : values()) {
                if (kind.name().equalsIgnoreCase(name.strip())) {
                    return kind;
                }
            }
            throw new ConfigException("RELAY_STORAGE must be memory, sqlite or mongodb, got '" + name + "'");
        }
    }

    public ServerConfig {
        serverApiKeys = List.copyOf(serverApiKeys);
        if (storage == StorageKind.MONGODB && mongoUrl == null) {
            throw new ConfigException("RELAY_STORAGE=mongodb needs MONGO_URL");
        }
        if (storage != StorageKind.MONGODB && mongoUrl != null) {
            throw new ConfigException("RELAY_STORAGE=" + storage.name().toLowerCase(Locale.ROOT)
                    + " and MONGO_URL are both set: choose one store");
        }
        if (redisCluster && redisUrl == null) {
            throw new ConfigException("REDIS_CLUSTER=true needs REDIS_URL: the comma-separated URIs of some of the "
                    + "cluster's nodes");
        }
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
     * Reads the configuration from environment variables, every one a row of {@link Setting}; missing ones take
     * their defaults, which are the core's ({@link Limits#defaults()}), the transport's
     * ({@link TransportSettings#defaults()}) and the adapters' own.
     */
    public static ServerConfig fromEnvironment(Map<String, String> env) {
        EnvReader read = new EnvReader(env);
        TransportSettings transport = TransportConfig.fromEnvironment(read);
        return new ServerConfig(
                transport,
                ioTransport(read),
                read.text(Setting.MONGO_URL),
                read.text(Setting.DB_NAME),
                Duration.ofMillis(read.integer(Setting.RELAY_MONGO_TIMEOUT_MS)),
                read.text(Setting.RELAY_MONGO_WRITE_CONCERN),
                read.text(Setting.RELAY_MONGO_READ_PREFERENCE),
                read.integer(Setting.RELAY_MONGO_MAX_POOL_SIZE),
                read.integer(Setting.RELAY_HISTORY_TTL_DAYS),
                read.text(Setting.REDIS_URL),
                read.bool(Setting.REDIS_CLUSTER),
                read.bool(Setting.REDIS_SHARDED_PUBSUB),
                Duration.ofMillis(read.integer(Setting.RELAY_PRESENCE_TTL_MS)),
                read.text(Setting.JWT_SECRET_KEY),
                Duration.ofHours(read.integer(Setting.RELAY_TOKEN_TTL_HOURS)),
                IdentityConfig.fromEnvironment(read),
                uploadDir(read),
                read.integer(Setting.RELAY_MEMORY_HISTORY_PER_ROOM),
                StorageKind.of(read.text(Setting.RELAY_STORAGE), read.text(Setting.MONGO_URL)),
                Path.of(read.text(Setting.RELAY_DATA_DIR)),
                Duration.ofNanos(Math.round(read.decimal(Setting.RELAY_SQLITE_BATCH_WAIT_MS) * 1e6)),
                Duration.ofNanos(Math.round(read.decimal(Setting.RELAY_MONGO_BATCH_WAIT_MS) * 1e6)),
                CoreLimits.fromEnvironment(read),
                read.integer(Setting.RELAY_BCRYPT_COST),
                read.integer(Setting.RELAY_BCRYPT_THREADS),
                Duration.ofMillis(read.integer(Setting.RELAY_BCRYPT_MAX_WAIT_MS)),
                Duration.ofSeconds(read.integer(Setting.RELAY_SHUTDOWN_GRACE_SECONDS)),
                Duration.ofSeconds(read.integer(Setting.RELAY_SHUTDOWN_SPREAD_SECONDS)),
                new ReadinessBounds(
                        Duration.ofMillis(read.integer(Setting.RELAY_READY_TIMEOUT_MS)),
                        Duration.ofMillis(read.integer(Setting.RELAY_READY_CACHE_MS))),
                // A port of its own, off by default: the public port never shows the metrics.
                new MetricsSettings(Objects.requireNonNullElse(read.text(Setting.RELAY_METRICS_HOST), transport.host()),
                        read.integer(Setting.RELAY_METRICS_PORT)),
                read.bool(Setting.RELAY_WEB_CLIENT),
                webhooks(read),
                serverApiKeys(read));
    }

    /**
     * RELAY_API_KEY's keys, in order; empty (the server API off) when unset. A key shorter than a secret may be
     * is refused at start rather than taken: a backend's key opens every room.
     */
    static List<String> serverApiKeys(EnvReader read) {
        String text = read.text(Setting.RELAY_API_KEY);
        if (text == null) {
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        for (String key : text.split(",")) {
            String stripped = key.strip();
            if (stripped.isEmpty()) {
                continue;
            }
            if (stripped.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
                throw new ConfigException("RELAY_API_KEY: each key must be at least " + MIN_SECRET_BYTES
                        + " bytes long (key " + (keys.size() + 1) + " is shorter); generate one with: "
                        + "openssl rand -base64 48");
            }
            keys.add(stripped);
        }
        if (keys.isEmpty()) {
            throw new ConfigException("RELAY_API_KEY is set but holds no key: leave it unset to turn the server API off");
        }
        return keys;
    }

    /** Null (off) without RELAY_WEBHOOK_URL; every row is read either way, so that a bad value is never ignored. */
    private static WebhookSettings webhooks(EnvReader read) {
        String url = read.text(Setting.RELAY_WEBHOOK_URL);
        String secret = read.text(Setting.RELAY_WEBHOOK_SECRET);
        int queueSize = read.integer(Setting.RELAY_WEBHOOK_QUEUE_SIZE);
        Duration maxRetry = Duration.ofSeconds(read.integer(Setting.RELAY_WEBHOOK_MAX_RETRY_SECONDS));
        if (url == null) {
            return null;
        }
        if (secret == null) {
            throw new ConfigException("RELAY_WEBHOOK_URL is set, so RELAY_WEBHOOK_SECRET must be too: receivers tell "
                    + "RelayChat's requests from forged ones by their signature; generate one with: openssl rand -base64 48");
        }
        if (secret.getBytes(StandardCharsets.UTF_8).length < WebhookSettings.MIN_SECRET_BYTES) {
            throw new ConfigException("RELAY_WEBHOOK_SECRET must be at least " + WebhookSettings.MIN_SECRET_BYTES
                    + " bytes long; generate one with: openssl rand -base64 48");
        }
        try {
            return WebhookSettings.of(url, secret).withQueueCapacity(queueSize).withMaxRetryTime(maxRetry);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("RELAY_WEBHOOK_URL " + e.getMessage());
        }
    }

    /** RELAY_UPLOAD_DIR, or the data folder's {@code uploads}: one folder then holds everything a node keeps. */
    private static IoTransport ioTransport(EnvReader read) {
        String name = read.text(Setting.RELAY_IO_TRANSPORT);
        try {
            return IoTransport.of(name);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("RELAY_IO_TRANSPORT must be auto, epoll or nio, got '" + name + "'");
        }
    }

    private static Path uploadDir(EnvReader read) {
        String named = read.text(Setting.RELAY_UPLOAD_DIR);
        return named != null ? Path.of(named) : Path.of(read.text(Setting.RELAY_DATA_DIR)).resolve("uploads");
    }
}
