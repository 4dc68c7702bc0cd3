package io.relaychat.adapter.redis;

import io.relaychat.ports.model.Appended;
import io.relaychat.ports.model.ConnectionId;
import io.relaychat.ports.model.RoomEvent;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;
import io.relaychat.testkit.Await;
import io.relaychat.testkit.IntegrationTest;
import io.relaychat.testkit.RecordingClusterEvents;
import io.relaychat.testkit.RedisClusterProcess;
import io.relaychat.testkit.RedisSentinelProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static io.relaychat.testkit.Await.result;
import static io.relaychat.testkit.Fixtures.aMessage;
import static io.relaychat.testkit.Fixtures.newId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a node does when the Redis it talks to fails over: a master of a Redis Cluster killed (SIGKILL) and its
 * replica promoted, or a Sentinel-managed primary killed and its replica promoted. Afterwards every room channel
 * and the inbox are subscribed again where they are served now, the core is told to read what it missed from the
 * store, and presence and forwarding work as before. Each test prints how long the repair took.
 */
@IntegrationTest
class RedisFailoverTest {
    private static final Duration FAILOVER_BOUND = Duration.ofSeconds(30);
    private final List<RedisNode> nodes = new ArrayList<>();
    private RedisClusterProcess cluster;
    private RedisSentinelProcess sentinel;
    /** Rooms whose channels spread over every shard of a cluster. */
    private final List<RoomId> rooms = IntStream.range(0, 30).mapToObj(i -> new RoomId("room-" + newId())).toList();

    @AfterEach
    void stop() {
        for (RedisNode node : nodes) {
            try {
                node.abandon();
            } catch (RuntimeException alreadyGone) {
                // closed by the test
            }
        }
        if (cluster != null) {
            cluster.close();
        }
        if (sentinel != null) {
            sentinel.close();
        }
    }

    private RedisNode node(RedisSettings settings) {
        RedisNode node = RedisNode.connect(settings.withNodeTtl(Duration.ofMillis(900)));
        nodes.add(node);
        return node;
    }

    @Test
    void afterAClusterMasterIsKilledEveryRoomAndTheInboxAreHeardAgainAndTheCoreCatchesUp() {
        cluster = RedisClusterProcess.start();
        assumeTrue(cluster.binary().atLeast(7, 0), () -> cluster.binary().tooOldFor("sharded pub/sub", 7, 0));
        RedisSettings settings = RedisSettings.cluster(cluster.url());
        TwoNodes two = twoNodesHearingEveryRoom(settings);
        RedisNode publisher = two.publisher();
        RedisNode listener = two.listener();
        RecordingClusterEvents heard = two.heard();
        int resumedBefore = heard.resumedCount();
        // The shard that serves the listener's inbox, and with it about a third of the rooms.
        String inbox = RedisKeys.inbox(listener.nodeId());
        long onThatShard = rooms.stream().filter(room -> cluster.masterPortOf(RedisKeys.roomChannel(room))
                == cluster.masterPortOf(inbox)).count();
        assertTrue(onThatShard > 0, "some rooms share the killed shard");

        long killed = System.nanoTime();
        cluster.killMasterOf(inbox);
        Duration promoted = cluster.awaitFailover(FAILOVER_BOUND);
        everyRoomIsHeard(publisher, heard, "after the failover");
        Duration repaired = Duration.ofNanos(System.nanoTime() - killed);
        Await.until("the core is told to catch up from the store", () -> heard.resumedCount() > resumedBefore);

        // The listener's roster entry may have expired while its shard was down; it is back with its next heartbeat.
        Await.until("the publisher counts the listener alive again", FAILOVER_BOUND,
                () -> rooms.stream().anyMatch(room -> !publisher.forwarding().storesHere(room)));
        RoomId stored = rooms.stream().filter(room -> !publisher.forwarding().storesHere(room)).findFirst().orElseThrow();
        heard.storingWith(message -> CompletableFuture.completedFuture(
                new Appended(message.withSeq(7), false)));
        Await.until("a send handed to the listener's inbox is stored and answered", FAILOVER_BOUND, () -> {
            try {
                return result(publisher.forwarding().forward(aMessage().in(stored).build()))
                        .message().seq() == 7;
            } catch (AssertionError | RuntimeException notYet) {
                return false;
            }
        });
        System.out.printf("cluster failover: replica promoted %d ms after the kill; every room heard again after %d ms"
                + " (%d of %d rooms on the killed shard)%n", promoted.toMillis(), repaired.toMillis(), onThatShard, rooms.size());
    }

    @Test
    void afterASentinelManagedPrimaryIsKilledTheNodesFollowTheNewPrimary() {
        sentinel = RedisSentinelProcess.start();
        RedisSettings settings = RedisSettings.of(sentinel.url());
        TwoNodes two = twoNodesHearingEveryRoom(settings);
        RedisNode publisher = two.publisher();
        RedisNode listener = two.listener();
        RecordingClusterEvents heard = two.heard();
        int resumedBefore = heard.resumedCount();
        int before = sentinel.primaryPort();

        long killed = System.nanoTime();
        sentinel.killPrimary();
        Duration promoted = sentinel.awaitFailover(FAILOVER_BOUND);
        everyRoomIsHeard(publisher, heard, "after the failover");
        Duration repaired = Duration.ofNanos(System.nanoTime() - killed);

        assertTrue(sentinel.primaryPort() != before, "another server is the primary now");
        Await.until("the core is told to catch up from the store", () -> heard.resumedCount() > resumedBefore);
        RoomId room = rooms.get(0);
        Await.until("presence is written to the new primary", FAILOVER_BOUND, () -> {
            try {
                result(listener.presence().enter(room, new ConnectionId("c-ann"),
                        new UserId("ann"), "ann"));
                return result(publisher.presence().online(room)).equals(Map.of(new UserId("ann"), "ann"));
            } catch (AssertionError | RuntimeException notYet) {
                return false;
            }
        });
        System.out.printf("sentinel failover: replica promoted %d ms after the kill; every room heard again after %d ms%n",
                promoted.toMillis(), repaired.toMillis());
    }

    /** A publisher and a listener subscribed to every room, the listener's core recorded. */
    private record TwoNodes(RedisNode publisher, RedisNode listener, RecordingClusterEvents heard) {
    }

    /** Two nodes on {@code settings}, once the listener has heard every room from the publisher. */
    private TwoNodes twoNodesHearingEveryRoom(RedisSettings settings) {
        RedisNode publisher = node(settings);
        RedisNode listener = node(settings);
        RecordingClusterEvents heard = new RecordingClusterEvents();
        listener.attach(heard);
        publisher.attach(new RecordingClusterEvents());
        rooms.forEach(room -> result(listener.bus().subscribe(room)));
        everyRoomIsHeard(publisher, heard, "before the failover");
        return new TwoNodes(publisher, listener, heard);
    }

    /**
     * Publishes on every room until the listener has heard each, bounded: publications while a shard fails over are
     * lost (the store has them), so a room counts as heard again once one of the publications made from now on
     * arrives.
     */
    private void everyRoomIsHeard(RedisNode publisher, RecordingClusterEvents heard, String when) {
        Set<RoomId> missing = new HashSet<>(rooms);
        int heardBefore = heard.published().size();
        Await.until("every room is heard " + when, FAILOVER_BOUND, () -> {
            List<RoomEvent> all = List.copyOf(heard.published());
            for (RoomEvent event : all.subList(heardBefore, all.size())) {
                missing.remove(event.roomId());
            }
            for (RoomId room : missing) {
                publisher.bus().publish(new RoomEvent.Typing(room, new UserId(newId()), "probe"))
                        .exceptionally(error -> null); // refused while its shard is down
            }
            sleep();
            return missing.isEmpty();
        });
        assertEquals(Set.of(), missing);
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
