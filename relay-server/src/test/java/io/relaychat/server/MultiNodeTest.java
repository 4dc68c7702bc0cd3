package io.relaychat.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.ScoredValue;
import io.relaychat.server.Api.Account;
import io.relaychat.testkit.Await;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several server nodes as one service: one shared store (a MongoDB-compatible server in this JVM), one real
 * redis-server, clients spread over the nodes.
 */
@IntegrationTest
class MultiNodeTest {
    @RegisterExtension
    final Nodes nodes = Nodes.onOneRedis();

    @Test
    void threeNodesThreeSendersEachFiftyMessagesEveryConnectionGetsAllOnceInOrder() {
        RoomAcrossNodes room = RoomAcrossNodes.overThreeNodes(nodes, 9);

        room.everySenderSaysAtOnce(50);

        room.everyoneHasAllOnceInOrder(450);
    }

    @Test
    void joinsTypingAndPresenceOnOneNodeAreSeenOnTheOthers() {
        RunningServer a = nodes.node();
        RunningServer b = nodes.node();
        Api api = new Api(a);
        Account ann = api.register("ann");
        Account bob = api.register("bob");
        String room = api.createRoom(ann, "together", bob);
        WsClient annOnA = nodes.connect(a, ann);
        annOnA.join(room);

        WsClient bobOnB = nodes.connect(b, bob);
        bobOnB.join(room);
        JsonNode joined = annOnA.awaitType("user_joined");
        JsonNode bobsView = bobOnB.awaitType("presence_update");
        bobOnB.send(Map.of("action", "typing", "room_id", room));
        JsonNode typing = annOnA.awaitType("typing");

        assertEquals(bob.id(), joined.path("user_id").asText());
        assertEquals(Map.of(ann.id(), ann.username(), bob.id(), bob.username()),
                Api.JSON.convertValue(bobsView.path("online_users"), Map.class), "bob sees ann, who is on the other node");
        annOnA.awaitFrame("presence with bob", frame -> frame.path("type").asText().equals("presence_update")
                && frame.path("online_users").has(bob.id()));
        assertEquals(bob.id(), typing.path("user_id").asText());
    }

    @Test
    void aNodeIsSubscribedToARoomOnlyWhileOneOfItsConnectionsIsJoined() {
        RunningServer a = nodes.node();
        RunningServer b = nodes.node();
        Api api = new Api(a);
        Account ann = api.register("ann");
        String room = api.createRoom(ann, "watched");
        String channel = "relay:room:{" + room + "}";

        WsClient onA = nodes.connect(a, ann);
        onA.join(room);
        assertEquals(1, subscribers(channel));
        WsClient onB = nodes.connect(b, ann);
        onB.join(room);
        assertEquals(2, subscribers(channel));

        onA.send(Map.of("action", "leave_room", "room_id", room));
        Await.until("node a unsubscribes", () -> subscribers(channel) == 1);
        onB.close();
        Await.until("node b unsubscribes once its last connection is gone", () -> subscribers(channel) == 0);
    }

    @Test
    void throughARedisCrashLocalDeliveryGoesOnAndAfterwardsNothingIsLostOrRepeated() {
        RunningServer a = nodes.node();
        RunningServer b = nodes.node();
        Api api = new Api(a);
        Account ann = api.register("ann");
        Account bob = api.register("bob");
        String room = api.createRoom(ann, "resilient", bob);
        WsClient sender = nodes.connect(a, ann);
        WsClient localListener = nodes.connect(a, bob);
        WsClient remoteListener = nodes.connect(b, bob);
        sender.join(room);
        localListener.join(room);
        remoteListener.join(room);

        int deliveredLocallyDuringOutage = 0;
        for (int n = 1; n <= 60; n++) {
            if (n == 21) {
                nodes.services().redis.kill();
            }
            sender.say(room, "message " + n);
            if (n == 40) {
                localListener.awaitMessages(40);
                deliveredLocallyDuringOutage = localListener.chatMessages().size();
                Await.until("node a reports Redis down", () -> api.get("/api/health", null).body()
                        .equals(Api.JSON.valueToTree(Map.of("status", "degraded", "event_bus", "unavailable",
                                "presence", "unavailable"))));
                nodes.services().redis.restart();
            }
            // Paces the sends on purpose; it waits for nothing. Spread over about 0.2 s after the crash and again
            // after the restart, some sends meet the connections as they drop and some as Lettuce reconnects
            // (100 ms back-off and more), rather than all landing before either happens.
            pause(10);
        }

        List<Long> all = LongStream.rangeClosed(1, 60).boxed().toList();
        localListener.awaitMessages(60);
        remoteListener.awaitMessages(60);
        assertEquals(40, deliveredLocallyDuringOutage, "local delivery did not wait for Redis");
        assertEquals(all, localListener.seqs());
        assertEquals(all, remoteListener.seqs(), "the other node caught up from the store, once and in order");
        assertEquals(all, sender.seqs());
        Await.until("node a is healthy again", () -> api.get("/api/health", null).body().path("status").asText().equals("healthy"));
    }

    @Test
    void usersOfANodeKilledWithoutGoodbyeLeavePresenceWithinTheBound() throws Exception {
        RunningServer survivor = nodes.node();
        Api api = new Api(survivor);
        Account ann = api.register("ann");
        Account bob = api.register("bob");
        String room = api.createRoom(ann, "presence", bob);
        ServerProcess doomed = nodes.nodeInItsOwnProcess();

        WsClient bobOnSurvivor = nodes.connect(survivor, bob);
        bobOnSurvivor.join(room);
        WsClient annOnDoomed = WsClient.connect(doomed.ws(ann.token()));
        annOnDoomed.join(room);
        bobOnSurvivor.awaitFrame("ann online", frame -> frame.path("type").asText().equals("presence_update")
                && frame.path("online_users").has(ann.id()));
        bobOnSurvivor.clear();

        long killedAt = System.nanoTime();
        doomed.kill();
        JsonNode update = bobOnSurvivor.awaitFrame("ann gone", frame -> frame.path("type").asText().equals("presence_update")
                && !frame.path("online_users").has(ann.id()));
        long tookMillis = (System.nanoTime() - killedAt) / 1_000_000;

        assertEquals(Map.of(bob.id(), bob.username()), Api.JSON.convertValue(update.path("online_users"), Map.class));
        assertTrue(tookMillis < 1500 + 3000, "ann left presence " + tookMillis + " ms after her node died");
        System.out.println("presence of a killed node expired after " + tookMillis + " ms (TTL 1500 ms)");
    }

    @Test
    void sendsIntoRoomsStoredByANodeKilledWithoutGoodbyeAreStillDelivered() throws Exception {
        RunningServer survivor = nodes.node();
        Api api = new Api(survivor);
        Account ann = api.register("ann");
        List<String> rooms = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            rooms.add(api.createRoom(ann, "room " + i)); // about half of them stored by the doomed node
        }
        String survivorId = onlyNodeOnTheRoster();
        ServerProcess doomed = nodes.nodeInItsOwnProcess();
        WsClient annOnSurvivor = nodes.connect(survivor, ann);
        rooms.forEach(annOnSurvivor::join);
        awaitNodeSeesTheOther(survivorId);

        doomed.kill();
        long killedAt = System.nanoTime();
        for (String room : rooms) {
            annOnSurvivor.say(room, "to " + room);
        }
        annOnSurvivor.awaitMessages(rooms.size());
        long tookMillis = (System.nanoTime() - killedAt) / 1_000_000;

        assertEquals(rooms.stream().map(room -> "to " + room).toList(),
                annOnSurvivor.chatMessages().stream().map(message -> message.path("content").asText()).toList());
        assertTrue(tookMillis < 5000, "ten sends took " + tookMillis + " ms after the node died");
    }

    private long subscribers(String channel) {
        return nodes.onRedis(commands -> commands.pubsubNumsub(channel).getOrDefault(channel, 0L));
    }

    /**
     * The roster, {@code relay:{nodes}}: every node's id, scored by Redis's clock (ms) at its last heartbeat. At
     * each heartbeat a node enters itself there and reads it back; the other live nodes it reads are the ones it
     * divides the rooms with ({@code RedisSendForwarding.storesHere}). That division is not exposed by the
     * server (neither {@code /api/health} nor any frame tells which node stores a room), so the tests watch
     * what it is made from.
     */
    private Map<String, Double> roster() {
        return nodes.onRedis(commands -> commands.zrangeWithScores("relay:{nodes}", 0, -1).stream()
                .collect(Collectors.toMap(ScoredValue::getValue, ScoredValue::getScore)));
    }

    /** The id of the one node running so far, once its first heartbeat has put it on the roster. */
    private String onlyNodeOnTheRoster() {
        Await.until("the first node is on the roster", () -> roster().size() == 1);
        return roster().keySet().iterator().next();
    }

    /**
     * Until node {@code nodeId} divides the rooms with the other node that has since joined the roster. Its view
     * comes from the roster as its heartbeat read it, so it counts the other node from the first heartbeat that
     * ran after the other node enlisted (Redis runs the heartbeat scripts one at a time, in the order of their
     * scores); the next heartbeat, a third of the TTL later, shows that one to have finished.
     */
    private void awaitNodeSeesTheOther(String nodeId) {
        Await.until("a second node is on the roster", () -> roster().size() == 2);
        double otherEnlisted = roster().entrySet().stream().filter(node -> !node.getKey().equals(nodeId))
                .mapToDouble(Map.Entry::getValue).findFirst().orElseThrow();
        Await.until("node " + nodeId + " beats after the other node enlisted", () -> roster().get(nodeId) > otherEnlisted);
        double sawTheOther = roster().get(nodeId);
        Await.until("node " + nodeId + " beats once more", () -> roster().get(nodeId) > sawTheOther);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
