package io.relaychat.adapter.redis;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterURIUtil;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * How a node reaches Redis.
 *
 * @param url            one Redis URI, e.g. {@code redis://localhost:6379}, or a Sentinel one,
 *                       {@code redis-sentinel://s1:26379,s2:26379#mymaster}, which follows the primary the sentinels
 *                       name; with {@code cluster}, the comma-separated URIs of some of a Redis Cluster's nodes
 *                       ({@code redis://h1:p1,redis://h2:p2}), from which the rest of the cluster is found
 * @param cluster        the URIs are the seed nodes of a Redis Cluster
 * @param sharded        publish and subscribe with SPUBLISH/SSUBSCRIBE (Redis 7+), so each room's traffic
 *                       stays on the shard that owns its channel instead of going to every node of a cluster;
 *                       always so on a cluster
 * @param nodeTtl        how long a node's presence outlives its last heartbeat; heartbeats go every third of it.
 *                       A node that dies without saying goodbye leaves presence within about this long.
 * @param commandTimeout bound on every Redis command
 */
public record RedisSettings(String url, boolean cluster, boolean sharded, Duration nodeTtl, Duration commandTimeout) {
    public static final Duration DEFAULT_NODE_TTL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);
    private static final Pattern NEXT_URI = Pattern.compile(",(?=\\s*[A-Za-z][A-Za-z0-9+.-]*://)");
    /** A plain URI naming several hosts ({@code redis://h1:p1,h2:p2}); only a Sentinel URI may. */
    private static final Pattern SEVERAL_HOSTS = Pattern.compile("^\\s*rediss?://[^/?#]*,");
    private static final Pattern CREDENTIALS = Pattern.compile("//[^/?#]*@");

    public RedisSettings {
        Objects.requireNonNull(url, "url");
        uris(url, cluster); // fails early, with Lettuce's explanation, on a malformed URI
        if (cluster) {
            sharded = true; // plain pub/sub on a cluster sends every room's traffic to every shard
        }
        if (nodeTtl.toMillis() < 300) {
            throw new IllegalArgumentException("nodeTtl must be at least 300 ms");
        }
        if (commandTimeout.isNegative() || commandTimeout.isZero()) {
            throw new IllegalArgumentException("commandTimeout must be positive");
        }
    }

    public RedisSettings(String url, boolean sharded, Duration nodeTtl, Duration commandTimeout) {
        this(url, false, sharded, nodeTtl, commandTimeout);
    }

    public static RedisSettings of(String url) {
        return new RedisSettings(url, false, false, DEFAULT_NODE_TTL, DEFAULT_COMMAND_TIMEOUT);
    }

    /** Seed nodes of a Redis Cluster, comma-separated. */
    public static RedisSettings cluster(String seeds) {
        return new RedisSettings(seeds, true, true, DEFAULT_NODE_TTL, DEFAULT_COMMAND_TIMEOUT);
    }

    public RedisSettings withNodeTtl(Duration value) {
        return new RedisSettings(url, cluster, sharded, value, commandTimeout);
    }

    public RedisSettings withSharded(boolean value) {
        return new RedisSettings(url, cluster, value, nodeTtl, commandTimeout);
    }

    /** The one URI of a server or of its sentinels, or a cluster's seed nodes. */
    List<RedisURI> uris() {
        return uris(url, cluster);
    }

    private static List<RedisURI> uris(String url, boolean cluster) {
        if (!cluster) {
            if (NEXT_URI.matcher(url).find() || SEVERAL_HOSTS.matcher(url).find()) {
                throw new IllegalArgumentException("several Redis servers are the seed nodes of a Redis Cluster: "
                        + "say so (cluster mode), or name one server");
            }
            try {
                return List.of(RedisURI.create(url));
            } catch (RuntimeException e) {
                throw notARedisUri(url, e);
            }
        }
        List<RedisURI> seeds = new ArrayList<>();
        // Either URIs of their own (redis://h1:p1,redis://h2:p2) or one URI of several hosts (redis://h1:p1,h2:p2),
        // whose credentials and options then hold for every host.
        for (String uri : NEXT_URI.split(url)) {
            if (uri.isBlank()) {
                continue;
            }
            if (uri.trim().startsWith("redis-sentinel")) {
                throw new IllegalArgumentException("a Redis Cluster is not reached through Sentinel");
            }
            try {
                seeds.addAll(RedisClusterURIUtil.toRedisURIs(URI.create(uri.trim())));
            } catch (RuntimeException e) {
                throw notARedisUri(uri.trim(), e);
            }
        }
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("no seed node of the Redis Cluster");
        }
        return seeds;
    }

    /**
     * The parser's complaint quotes the whole URI, password and all; this says what is wrong with the password masked,
     * and leaves the complaint out of the cause chain, where a logged stack trace would print it.
     */
    private static IllegalArgumentException notARedisUri(String uri, RuntimeException e) {
        String why = e.getCause() instanceof URISyntaxException syntax ? syntax.getReason() : String.valueOf(e.getMessage());
        return new IllegalArgumentException("not a Redis URI (" + masked(why) + "): " + masked(uri));
    }

    private static String masked(String text) {
        return CREDENTIALS.matcher(text).replaceAll("//***@");
    }

    /** Hosts and ports, without credentials: safe to log. */
    public String describe() {
        List<RedisURI> uris = uris();
        if (cluster) {
            return "Redis Cluster, seeds " + uris.stream().map(uri -> uri.getHost() + ":" + uri.getPort())
                    .collect(Collectors.joining(", ")) + " (sharded pub/sub)";
        }
        RedisURI uri = uris.get(0);
        String where = uri.getSentinels().isEmpty() ? uri.getHost() + ":" + uri.getPort()
                : "the primary '" + uri.getSentinelMasterId() + "' of Sentinel " + uri.getSentinels().stream()
                .map(sentinel -> sentinel.getHost() + ":" + sentinel.getPort()).collect(Collectors.joining(", "));
        return where + (sharded ? " (sharded pub/sub)" : "");
    }
}
