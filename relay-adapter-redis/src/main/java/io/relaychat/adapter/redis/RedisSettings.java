package io.relaychat.adapter.redis;

import io.lettuce.core.RedisURI;

import java.time.Duration;
import java.util.Objects;

/**
 * How a node reaches Redis.
 *
 * @param url            a Redis URI, e.g. {@code redis://localhost:6379}
 * @param sharded        publish and subscribe with SPUBLISH/SSUBSCRIBE (Redis 7+), so each room's traffic
 *                       stays on the shard that owns its channel instead of going to every node of a cluster
 * @param nodeTtl        how long a node's presence outlives its last heartbeat; heartbeats go every third of it.
 *                       A node that dies without saying goodbye leaves presence within about this long.
 * @param commandTimeout bound on every Redis command
 */
public record RedisSettings(String url, boolean sharded, Duration nodeTtl, Duration commandTimeout) {
    public static final Duration DEFAULT_NODE_TTL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);

    public RedisSettings {
        Objects.requireNonNull(url, "url");
        RedisURI.create(url); // fails early, with Lettuce's explanation, on a malformed URI
        if (nodeTtl.toMillis() < 300) {
            throw new IllegalArgumentException("nodeTtl must be at least 300 ms");
        }
        if (commandTimeout.isNegative() || commandTimeout.isZero()) {
            throw new IllegalArgumentException("commandTimeout must be positive");
        }
    }

    public static RedisSettings of(String url) {
        return new RedisSettings(url, false, DEFAULT_NODE_TTL, DEFAULT_COMMAND_TIMEOUT);
    }

    public RedisSettings withNodeTtl(Duration value) {
        return new RedisSettings(url, sharded, value, commandTimeout);
    }

    public RedisSettings withSharded(boolean value) {
        return new RedisSettings(url, value, nodeTtl, commandTimeout);
    }

    /** Host and port, without credentials: safe to log. */
    public String describe() {
        RedisURI uri = RedisURI.create(url);
        return uri.getHost() + ":" + uri.getPort() + (sharded ? " (sharded pub/sub)" : "");
    }
}
