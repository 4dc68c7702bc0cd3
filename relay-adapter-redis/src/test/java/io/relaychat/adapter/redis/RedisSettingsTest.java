package io.relaychat.adapter.redis;

import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What REDIS_URL may say: one server, a Sentinel's primary, or a Redis Cluster's seed nodes in either of two forms. */
class RedisSettingsTest {
    private static List<String> hostsAndPorts(RedisSettings settings) {
        return settings.uris().stream().map(uri -> uri.getHost() + ":" + uri.getPort()).toList();
    }

    @Test
    void aClustersSeedsAreURIsOfTheirOwnOrOneURIOfSeveralHostsWithItsPasswordForEach() {
        RedisSettings own = RedisSettings.cluster("redis://h1:7000, redis://:secret@h2:7001,rediss://h3:7002");
        RedisSettings shared = RedisSettings.cluster("redis://:secret@h1:7000,h2:7001");

        assertEquals(List.of("h1:7000", "h2:7001", "h3:7002"), hostsAndPorts(own));
        assertEquals(List.of("h1:7000", "h2:7001"), hostsAndPorts(shared));
        assertTrue(shared.uris().stream().allMatch(uri -> new String(uri.getCredentialsProvider().resolveCredentials().block()
                .getPassword()).equals("secret")), "the password holds for every host");
        assertTrue(own.uris().get(2).isSsl());
    }

    @Test
    void aClusterAlwaysUsesShardedPubSubAndSaysSoWithoutItsPasswords() {
        RedisSettings settings = new RedisSettings("redis://:secret@h1:7000,redis://h2:7001", true, false,
                RedisSettings.DEFAULT_NODE_TTL, RedisSettings.DEFAULT_COMMAND_TIMEOUT);

        assertTrue(settings.sharded(), "plain pub/sub on a cluster would send every room to every shard");
        assertEquals("Redis Cluster, seeds h1:7000, h2:7001 (sharded pub/sub)", settings.describe());
        assertFalse(settings.describe().contains("secret"));
    }

    @Test
    void aSentinelURINamesThePrimaryAndItsSentinels() {
        RedisSettings settings = RedisSettings.of("redis-sentinel://:secret@s1:26379,s2:26380#relay");

        RedisURI uri = settings.uris().get(0);
        assertEquals("relay", uri.getSentinelMasterId());
        assertEquals("the primary 'relay' of Sentinel s1:26379, s2:26380", settings.describe());
    }

    @Test
    void severalURIsWithoutClusterModeAndASentinelForAClusterAreRefusedWithTheReason() {
        IllegalArgumentException several = assertThrows(IllegalArgumentException.class,
                () -> RedisSettings.of("redis://h1:7000,redis://h2:7001"));
        IllegalArgumentException severalHosts = assertThrows(IllegalArgumentException.class,
                () -> RedisSettings.of("redis://:secret@h1:7000,h2:7001"));
        IllegalArgumentException sentinel = assertThrows(IllegalArgumentException.class,
                () -> RedisSettings.cluster("redis-sentinel://s1:26379#relay"));
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> RedisSettings.cluster(" "));

        assertTrue(several.getMessage().contains("seed nodes of a Redis Cluster"), several.getMessage());
        assertTrue(severalHosts.getMessage().contains("seed nodes of a Redis Cluster"), severalHosts.getMessage());
        assertTrue(sentinel.getMessage().contains("not reached through Sentinel"), sentinel.getMessage());
        assertTrue(none.getMessage().contains("no seed node"), none.getMessage());
    }

    @Test
    void aMalformedURIIsRefusedWithItsPasswordMasked() {
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
                () -> RedisSettings.of("redis://:top secret@h1:7000"));
        IllegalArgumentException seed = assertThrows(IllegalArgumentException.class,
                () -> RedisSettings.cluster("redis://h1:7000,redis://:top secret@h2:7001"));

        for (IllegalArgumentException refused : List.of(one, seed)) {
            assertTrue(refused.getMessage().startsWith("not a Redis URI"), refused.getMessage());
            assertFalse(refused.getMessage().contains("secret"), refused.getMessage());
            assertEquals(null, refused.getCause(), "the parser's own message quotes the password");
        }
    }
}
