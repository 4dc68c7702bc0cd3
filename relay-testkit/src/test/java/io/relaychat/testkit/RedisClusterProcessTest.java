package io.relaychat.testkit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster fixture is a real Redis Cluster: three masters each with a replica, keys where Redis itself puts them,
 * and a crashed master's slots taken over, with their data, by its replica.
 */
@IntegrationTest
class RedisClusterProcessTest {
    private static RedisClusterProcess cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterProcess.start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            Path dir = cluster.dir();
            cluster.close();
            assertFalse(Files.exists(dir), "closed, the cluster deleted " + dir);
        }
    }

    @Test
    void theDefaultClusterHasThreeMastersEachWithAReplicaAndEveryNodeIsASeed() {
        List<Integer> masters = cluster.masterPorts();
        List<Integer> replicas = cluster.replicaPorts();
        Set<Integer> nodes = new HashSet<>(masters);
        nodes.addAll(replicas);

        assertEquals(3, masters.size(), "masters " + masters);
        assertEquals(3, replicas.size(), "replicas " + replicas);
        assertEquals(6, nodes.size(), "six distinct nodes");
        Set<Integer> seeds = new HashSet<>();
        for (String seed : cluster.url().substring("redis://".length()).split(",")) {
            assertTrue(seed.startsWith("127.0.0.1:"), cluster.url());
            seeds.add(Integer.parseInt(seed.substring("127.0.0.1:".length())));
        }
        assertEquals(nodes, seeds, cluster.url());
    }

    @Test
    void slotOfAgreesWithClusterKeyslot() throws IOException {
        assertEquals(0x31C3, RedisClusterProcess.slotOf("123456789"), "CRC16/XMODEM's check value");
        int node = cluster.masterPorts().get(0);
        List<String> keys = Stream.concat(Stream.of("", "foo", "bar", "room:42", "{room:42}:messages",
                "{room:42}:members", "{}", "{}room", "room{}", "{a}{b}", "{a}", "a{b", "a}b", "}{a}", "{{a}}", "{",
                "}", "a{b}c}", "{ }", "{user1000}.following", "{user1000}.followers", "é", "салон", "日本語",
                "{日本}語", "チャット{部屋}", "💬", "{💬}x", "a b c", "tab\there", "nul\u0000byte"),
                IntStream.range(0, 20).mapToObj(i -> "message:" + i)).toList();

        for (String key : keys) {
            long keyslot = (Long) RespClient.call(node, "CLUSTER", "KEYSLOT", key);
            assertEquals(keyslot, RedisClusterProcess.slotOf(key), "slot of \"" + key + "\"");
        }
        assertEquals(RedisClusterProcess.slotOf("room:42"), RedisClusterProcess.slotOf("{room:42}:messages"),
                "a hash tag puts a room's keys in one slot");
    }

    @Test
    void aKeyWrittenToItsMasterIsReadThereAndOtherMastersSendTheClientToIt() throws IOException {
        String key = "room:7:last-message";
        int master = cluster.masterPortOf(key);

        assertEquals("OK", RespClient.call(master, "SET", key, "hello"));
        assertEquals("hello", RespClient.call(master, "GET", key));

        int other = cluster.masterPorts().stream().filter(port -> port != master).findFirst().orElseThrow();
        RespClient.ErrorReply moved = assertThrows(RespClient.ErrorReply.class,
                () -> RespClient.call(other, "GET", key));
        assertEquals("MOVED " + RedisClusterProcess.slotOf(key) + " 127.0.0.1:" + master, moved.getMessage());
    }

    @Test
    void whenAKeysMasterIsKilledItsReplicaTakesOverTheSlotWithTheKeyAndTheOldMasterRejoinsAsAReplica()
            throws IOException {
        try (RedisClusterProcess crashing = RedisClusterProcess.start()) {
            String key = "{room:42}:messages";
            int oldMaster = crashing.masterPortOf(key);
            assertEquals(List.of("OK", 1L), RespClient.callOnOneConnection(oldMaster,
                    List.of(List.of("SET", key, "first"), List.of("WAIT", "1", "1000"))),
                    "the replica acknowledged the write");

            assertEquals(oldMaster, crashing.killMasterOf(key));
            Duration took = crashing.awaitFailover(Duration.ofSeconds(15));
            System.out.println("Redis Cluster failover took " + took.toMillis() + " ms");

            int newMaster = crashing.masterPortOf(key);
            assertNotEquals(oldMaster, newMaster);
            assertEquals("first", RespClient.call(newMaster, "GET", key));
            assertEquals(3, crashing.masterPorts().size(), "every slot is served again");

            crashing.restart(oldMaster);

            assertTrue(crashing.replicaPorts().contains(oldMaster), "replicas " + crashing.replicaPorts());
            assertEquals(newMaster, crashing.masterPortOf(key));
        }
    }
}
