package io.relaychat.server;

import io.relaychat.adapter.auth.BcryptPasswordHasher;
import io.relaychat.adapter.auth.JwtTokens;
import io.relaychat.adapter.mongo.MongoSettings;
import io.relaychat.adapter.netty.TransportSettings;
import io.relaychat.adapter.redis.RedisSettings;
import io.relaychat.domain.Limits;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Everything the server reads from its environment, checked once at start-up. Names follow the
 * existing Python app (PORT, MONGO_URL, DB_NAME, REDIS_URL, JWT_SECRET_KEY, CORS_ORIGINS); limits
 * are RELAY_*. See README.md for the table.
 */
public record ServerConfig(
        String host,
        int port,
        String mongoUrl,
        String dbName,
        Duration mongoTimeout,
        String mongoWriteConcern,
        String mongoReadPreference,
        int mongoMaxPoolSize,
        String redisUrl,
        boolean redisShardedPubSub,
        Duration presenceTtl,
        Duration gapTimeout,
        String jwtSecret,
        Duration tokenLifetime,
        List<String> corsOrigins,
        Path uploadDir,
        long maxUploadBytes,
        int maxContentChars,
        int maxFrameBytes,
        Duration idleTimeout,
        int bcryptCost,
        int bcryptThreads,
        int ioThreads,
        Duration shutdownGrace) {

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
        Reader read = new Reader(env);
        Limits core = Limits.defaults();
        TransportSettings transport = TransportSettings.defaults();
        return new ServerConfig(
                read.text("HOST", transport.host()),
                read.integer("PORT", transport.port(), 0, 65535),
                read.text("MONGO_URL", null),
                read.text("DB_NAME", "relaychat"),
                Duration.ofMillis(read.integer("RELAY_MONGO_TIMEOUT_MS", (int) MongoSettings.DEFAULT_TIMEOUT.toMillis(),
                        100, 120_000)),
                read.text("RELAY_MONGO_WRITE_CONCERN", null),
                read.text("RELAY_MONGO_READ_PREFERENCE", null),
                read.integer("RELAY_MONGO_MAX_POOL_SIZE", MongoSettings.DEFAULT_MAX_POOL_SIZE, 1, 10_000),
                read.text("REDIS_URL", null),
                read.bool("REDIS_SHARDED_PUBSUB", false),
                Duration.ofMillis(read.integer("RELAY_PRESENCE_TTL_MS", (int) RedisSettings.DEFAULT_NODE_TTL.toMillis(),
                        300, 600_000)),
                Duration.ofMillis(read.integer("RELAY_GAP_TIMEOUT_MS", (int) core.gapTimeout().toMillis(), 10, 60_000)),
                read.text("JWT_SECRET_KEY", null),
                Duration.ofHours(read.integer("RELAY_TOKEN_TTL_HOURS", (int) JwtTokens.DEFAULT_LIFETIME.toHours(), 1,
                        24 * 365)),
                Arrays.stream(read.text("CORS_ORIGINS", String.join(",", transport.corsOrigins())).split(","))
                        .map(String::strip).filter(origin -> !origin.isEmpty()).toList(),
                Path.of(read.text("RELAY_UPLOAD_DIR", "data/uploads")),
                read.integer("RELAY_MAX_UPLOAD_BYTES", (int) core.maxUploadBytes(), 1, 1024 * 1024 * 1024),
                read.integer("RELAY_MAX_CONTENT_CHARS", core.maxContentChars(), 1, 1_000_000),
                read.integer("RELAY_MAX_FRAME_BYTES", transport.maxFrameBytes(), 1024, 16 * 1024 * 1024),
                Duration.ofSeconds(read.integer("RELAY_IDLE_TIMEOUT_SECONDS", (int) transport.idleTimeout().toSeconds(),
                        2, 86_400)),
                read.integer("RELAY_BCRYPT_COST", BcryptPasswordHasher.DEFAULT_COST, BcryptPasswordHasher.MIN_COST,
                        BcryptPasswordHasher.MAX_COST),
                read.integer("RELAY_BCRYPT_THREADS", BcryptPasswordHasher.defaultThreads(), 1, 256),
                read.integer("RELAY_IO_THREADS", transport.ioThreads(), 0, 1024),
                Duration.ofSeconds(read.integer("RELAY_SHUTDOWN_GRACE_SECONDS", 10, 0, 600)));
    }

    private record Reader(Map<String, String> env) {
        String text(String name, String fallback) {
            String value = env.get(name);
            return value == null || value.isBlank() ? fallback : value.strip();
        }

        boolean bool(String name, boolean fallback) {
            return parse(name, fallback, text -> switch (text.toLowerCase(java.util.Locale.ROOT)) {
                case "true", "1", "yes" -> true;
                case "false", "0", "no" -> false;
                default -> throw new IllegalArgumentException();
            }, "true or false");
        }

        int integer(String name, int fallback, int min, int max) {
            return parse(name, fallback, text -> {
                int value = Integer.parseInt(text);
                if (value < min || value > max) {
                    throw new NumberFormatException();
                }
                return value;
            }, "an integer from " + min + " to " + max);
        }

        private <T> T parse(String name, T fallback, Function<String, T> parser, String expected) {
            String text = text(name, null);
            if (text == null) {
                return fallback;
            }
            try {
                return parser.apply(text);
            } catch (RuntimeException e) {
                throw new ConfigException(name + " must be " + expected + ", got '" + text + "'");
            }
        }
    }
}
