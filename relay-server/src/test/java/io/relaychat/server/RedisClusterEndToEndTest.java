package io.relaychat.server;

import io.relaychat.server.Api.Account;
import io.relaychat.testkit.IntegrationTest;
import io.relaychat.testkit.RedisClusterProcess;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Server nodes as one service on a real Redis Cluster (three masters with a replica each, {@code REDIS_CLUSTER=true}):
 * two and three nodes carry a room between them, and a master killed (SIGKILL) under three nodes carrying traffic
 * costs no client a message, a duplicate or the order.
 */
@IntegrationTest
class RedisClusterEndToEndTest {
    @RegisterExtension
    final Nodes nodes = Nodes.onCluster();

    @BeforeEach
    void skipWithoutShardedPubSub() {
        RedisClusterProcess cluster = nodes.services().cluster;
        assumeTrue(cluster.binary().atLeast(7, 0), () -> cluster.binary().tooOldFor("sharded pub/sub", 7, 0));
    }

    @Test
    void twoNodesSeeEachOthersJoinsPresenceAndMessages() {
        RunningServer a = nodes.node();
        RunningServer b = nodes.node();
        Api api = new Api(a);
        Account ann = api.register("ann");
        Account bob = api.register("bob");
        String room = api.createRoom(ann, "across", bob);
        WsClient annOnA = nodes.connect(a, ann);
        annOnA.join(room);
        WsClient bobOnB = nodes.connect(b, bob);
        bobOnB.join(room);

        annOnA.awaitFrame("bob online, who is on the other node", frame -> frame.path("type").asText()
                .equals("presence_update") && frame.path("online_users").has(bob.id()));
        annOnA.awaitFrame("bob joined", frame -> frame.path("type").asText().equals("user_joined")
                && frame.path("user_id").asText().equals(bob.id()));
        for (int n = 1; n <= 20; n++) {
            (n % 2 == 0 ? bobOnB : annOnA).say(room, "message " + n);
        }

        List<Long> all = LongStream.rangeClosed(1, 20).boxed().toList();
        annOnA.awaitMessages(20);
        bobOnB.awaitMessages(20);
        assertEquals(all, annOnA.seqs());
        assertEquals(all, bobOnB.seqs());
        assertEquals(Map.of(ann.id(), "ann", bob.id(), "bob"), Api.JSON.convertValue(
                bobOnB.framesOfType("presence_update").get(bobOnB.framesOfType("presence_update").size() - 1)
                        .path("online_users"), Map.class));
    }

    @Test
    void threeNodesThreeSendersEachFiftyMessagesEveryConnectionGetsAllOnceInOrder() {
        RoomAcrossNodes room = RoomAcrossNodes.overThreeNodes(nodes, 9);

        room.everySenderSaysAtOnce(50);

        room.everyoneHasAllOnceInOrder(450);
    }

    @Test
    void aMasterKilledUnderTrafficCostsNoClientAMessageADuplicateOrTheOrder() {
        RoomAcrossNodes room = RoomAcrossNodes.overThreeNodes(nodes, 6);

        String result = room.carriesTrafficThrough(() -> {
            int port = nodes.services().cluster.killMasterOf("relay:room:{" + room.id() + "}");
            Duration promoted = nodes.services().cluster.awaitFailover(Duration.ofSeconds(30));
            return "master " + port + " of the room's shard killed; replica promoted after " + promoted.toMillis() + " ms";
        });

        System.out.println(result);
    }
}
