package io.relaychat.server;

import io.relaychat.server.Api.Account;
import io.relaychat.testkit.Await;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * More than two nodes, and nodes coming and going: three and five nodes carrying one room, and four nodes carrying
 * twelve rooms while one of them is killed (SIGKILL, no goodbye) and a new one starts. The rooms the dead node
 * stored pass to the live ones, the new node takes its share, and no connection misses a message, sees one twice,
 * or sees them out of order. Prints how long the dead node's rooms took to pass on.
 */
@IntegrationTest
class NodeChurnTest {
    /** The presence TTL the nodes run with (SharedServices): a dead node is found dead within about this. */
    private static final long TTL_MILLIS = 1500;
    @RegisterExtension
    final Nodes nodes = Nodes.onOneRedis();

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {3, 5})
    void everySenderOnEveryNodeEveryConnectionGetsAllOnceInOrder(int nodeCount) {
        RoomAcrossNodes room = RoomAcrossNodes.oneListenerAndOneSenderOnEach(nodes, nodeCount);

        room.everySenderSaysAtOnce(40);

        room.everyoneHasAllOnceInOrder(40 * nodeCount);
    }

    @Test
    void aNodeKilledAndAnotherStartedWhileTwelveRoomsCarryTrafficCostNoMessage() throws Exception {
        List<RunningServer> survivors = new ArrayList<>(List.of(nodes.node(), nodes.node(), nodes.node()));
        ServerProcess doomed = nodes.nodeInItsOwnProcess();
        Api api = new Api(survivors.get(0));
        Account owner = api.register("owner");
        List<Account> senders = List.of(api.register("s0"), api.register("s1"), api.register("s2"), api.register("s3"));
        List<String> rooms = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            rooms.add(api.createRoom(owner, "room " + i, senders.toArray(Account[]::new)));
        }
        List<WsClient> listeners = new ArrayList<>();
        for (RunningServer node : survivors) {
            WsClient listener = nodes.connect(node, owner);
            rooms.forEach(listener::join);
            listeners.add(listener);
        }
        Await.until("all four nodes are alive on Redis", () -> liveNodeKeys() == 4);
        Map<String, AtomicInteger> sentTo = new ConcurrentHashMap<>();
        rooms.forEach(room -> sentTo.put(room, new AtomicInteger()));

        List<CompletableFuture<Void>> sending = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            WsClient sender = nodes.connect(survivors.get(i), senders.get(i));
            rooms.forEach(sender::join);
            sending.add(sendInTurn(sender, rooms, 150, sentTo, i));
        }
        pause(700);
        long killedAt = System.nanoTime();
        doomed.kill();
        Await.until("the killed node is no longer alive on Redis", Duration.ofSeconds(10), () -> liveNodeKeys() == 3);
        long foundDeadMillis = (System.nanoTime() - killedAt) / 1_000_000;
        RunningServer newcomer = nodes.node();
        Await.until("the new node is alive on Redis", () -> liveNodeKeys() == 4);
        WsClient onNewcomer = nodes.connect(newcomer, senders.get(3));
        rooms.forEach(onNewcomer::join);
        sending.add(sendInTurn(onNewcomer, rooms, 60, sentTo, 3));
        sending.forEach(CompletableFuture::join);

        for (WsClient listener : listeners) {
            for (String room : rooms) {
                int count = sentTo.get(room).get();
                List<Long> all = LongStream.rangeClosed(1, count).boxed().toList();
                Await.until(count + " messages in " + room, Duration.ofSeconds(20), () -> seqsIn(listener, room).size() >= count);
                assertEquals(all, seqsIn(listener, room), "every message of " + room + " once, in seq order");
            }
        }
        // A dead node's key runs out within the TTL, and every live node stops handing it sends at its next heartbeat
        // (a third of the TTL) after that.
        assertTrue(foundDeadMillis < TTL_MILLIS + 1500, "found dead after " + foundDeadMillis + " ms");
        System.out.printf("a killed node's rooms passed to the live nodes: its key ran out %d ms after the kill, and the "
                + "live nodes re-divide the rooms at their next heartbeat (every %d ms)%n", foundDeadMillis, TTL_MILLIS / 3);
    }

    /** {@code count} messages, one room after another, paced so that the sending spans the kill and the start. */
    private static CompletableFuture<Void> sendInTurn(WsClient sender, List<String> rooms, int count,
                                                      Map<String, AtomicInteger> sentTo, int offset) {
        return CompletableFuture.runAsync(() -> {
            for (int n = 0; n < count; n++) {
                String room = rooms.get((n + offset) % rooms.size());
                sender.say(room, "message " + n);
                sentTo.get(room).incrementAndGet();
                pause(20);
            }
        });
    }

    private static List<Long> seqsIn(WsClient client, String room) {
        return client.chatMessages().stream().filter(frame -> frame.path("room_id").asText().equals(room))
                .map(frame -> frame.path("seq").asLong()).toList();
    }

    /** Nodes alive now: each keeps its liveness key while it beats. */
    private long liveNodeKeys() {
        return nodes.onRedis(commands -> commands.keys("relay:{nodes}:node:*").size());
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
