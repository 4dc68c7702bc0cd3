package io.relaychat.testkit;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Sentinel fixture is a real Sentinel group: a primary replicated to its replica, which the sentinels promote
 * when the primary dies. Closed, it leaves no folder behind.
 */
@IntegrationTest
class RedisSentinelProcessTest {

    @Test
    void whatIsWrittenToThePrimaryIsOnTheReplica() throws IOException {
        Path dir;
        try (RedisSentinelProcess sentinel = RedisSentinelProcess.start()) {
            dir = sentinel.dir();
            assertEquals("relay", sentinel.masterName());
            assertTrue(sentinel.url().matches("redis-sentinel://(127\\.0\\.0\\.1:\\d+,){2}127\\.0\\.0\\.1:\\d+#relay"),
                    sentinel.url());
            int primary = sentinel.primaryPort();
            int replica = sentinel.replicaPort();
            assertNotEquals(primary, replica);

            assertEquals(List.of("OK", 1L), RespClient.callOnOneConnection(primary,
                    List.of(List.of("SET", "room:1:name", "lobby"), List.of("WAIT", "1", "1000"))),
                    "the replica acknowledged the write");

            assertEquals("lobby", RespClient.call(replica, "GET", "room:1:name"));
            assertEquals("slave", RespClient.field(RespClient.text(replica, "INFO", "replication"), "role"));
        }
        assertFalse(Files.exists(dir), "closed, the group deleted " + dir);
    }

    @Test
    void whenThePrimaryIsKilledTheSentinelsPromoteTheReplicaWithItsData() throws IOException {
        try (RedisSentinelProcess sentinel = RedisSentinelProcess.start()) {
            int primary = sentinel.primaryPort();
            int replica = sentinel.replicaPort();
            assertEquals(List.of("OK", 1L), RespClient.callOnOneConnection(primary,
                    List.of(List.of("SET", "room:1:name", "lobby"), List.of("WAIT", "1", "1000"))),
                    "the replica acknowledged the write");

            assertEquals(primary, sentinel.killPrimary());
            Duration took = sentinel.awaitFailover(Duration.ofSeconds(20));
            System.out.println("Sentinel failover took " + took.toMillis() + " ms");

            assertEquals(replica, sentinel.primaryPort());
            assertEquals("lobby", RespClient.call(replica, "GET", "room:1:name"));
            assertEquals("OK", RespClient.call(replica, "SET", "room:1:topic", "welcome"),
                    "the promoted replica takes writes");
        }
    }
}
