package io.relaychat.adapter.redis;

import io.lettuce.core.AclSetuserArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.relaychat.ports.model.ConnectionId;
import io.relaychat.ports.model.RoomEvent;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.RoomEventBus;
import io.relaychat.testkit.Await;
import io.relaychat.testkit.IntegrationTest;
import io.relaychat.testkit.RecordingClusterEvents;
import io.relaychat.testkit.RedisProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.relaychat.testkit.Await.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** What the Redis adapter does beyond the contracts: subscriptions that follow rooms, dead nodes, outages. */
@IntegrationTest
class RedisNodeTest {
    private RedisProcess redis;
    private final List<RedisNode> nodes = new ArrayList<>();
    private final RoomId room = new RoomId(UUID.randomUUID().toString());

    @BeforeEach
    void startRedis() {
        redis = RedisProcess.start();
    }

    @AfterEach
    void stop() {
        nodes.forEach(node -> {
            try {
                node.close();
            } catch (RuntimeException alreadyGone) {
                // abandoned in the test
            }
        });
        redis.close();
    }

    private RedisNode node(RedisSettings settings) {
        RedisNode node = RedisNode.connect(settings);
        nodes.add(node);
        return node;
    }

    private RedisNode node() {
        return node(RedisSettings.of(redis.url()));
    }

    private long subscribers(String channel, boolean sharded) {
        Map<String, Long> counts = raw(connection -> sharded ? connection.sync().pubsubShardNumsub(channel)
                : connection.sync().pubsubNumsub(channel));
        return counts.getOrDefault(channel, 0L);
    }

    @ParameterizedTest(name = "sharded {0}")
    @ValueSource(booleans = {false, true})
    void aNodeIsSubscribedToARoomOnlyBetweenSubscribeAndUnsubscribe(boolean sharded) {
        assumeTrue(!sharded || redis.binary().atLeast(7, 0), () -> redis.binary().tooOldFor("sharded pub/sub", 7, 0));
        RoomEventBus bus = node(RedisSettings.of(redis.url()).withSharded(sharded)).bus();
        String channel = RedisKeys.roomChannel(room);

        assertEquals(0, subscribers(channel, sharded));
        result(bus.subscribe(room));
        assertEquals(1, subscribers(channel, sharded));
        result(bus.unsubscribe(room));
        assertEquals(0, subscribers(channel, sharded));
    }

    @Test
    void aNodeThatDiesWithoutGoodbyeLeavesPresenceWithinItsTtlAndTheOthersAreTold() {
        RedisSettings quick = RedisSettings.of(redis.url()).withNodeTtl(Duration.ofMillis(900));
        RedisNode doomed = node(quick);
        RedisNode survivor = node(quick);
        RecordingClusterEvents survivorCore = new RecordingClusterEvents();
        survivor.attach(survivorCore);
        List<RecordingClusterEvents.Expiry> expiries = survivorCore.expiries();
        UserId ann = new UserId("ann");
        UserId bob = new UserId("bob");
        result(doomed.presence().enter(room, new ConnectionId("c-ann"), ann, "ann"));
        result(survivor.presence().enter(room, new ConnectionId("c-bob"), bob, "bob"));
        assertEquals(Map.of(ann, "ann", bob, "bob"), result(survivor.presence().online(room)));

        long killedAt = System.nanoTime();
        doomed.abandon();

        Await.until("ann's presence expires", Duration.ofSeconds(5),
                () -> result(survivor.presence().online(room)).equals(Map.of(bob, "bob")));
        Await.until("the survivor is told", Duration.ofSeconds(5), () -> !expiries.isEmpty());
        assertEquals(new RecordingClusterEvents.Expiry(room, Map.of(bob, "bob")), expiries.get(0));
        long tookMillis = (System.nanoTime() - killedAt) / 1_000_000;
        assertTrue(tookMillis < 900 + 2000, "expired after " + tookMillis + " ms");
    }

    @Test
    void whileNoNodeDiesHeartbeatsReadNoRoomHoweverManyTheNodesAreIn() {
        RedisSettings quick = RedisSettings.of(redis.url()).withNodeTtl(Duration.ofMillis(300)); // a beat per 100 ms
        RedisNode a = node(quick);
        RedisNode b = node(quick);
        for (int i = 0; i < 200; i++) {
            RoomId each = new RoomId("room-" + i);
            result(a.presence().enter(each, new ConnectionId("a-" + i), new UserId("ann"), "ann"));
            result(b.presence().enter(each, new ConnectionId("b-" + i), new UserId("bob"), "bob"));
        }
        raw(connection -> connection.sync().configResetstat());

        Await.until("ten heartbeats of each node", Duration.ofSeconds(10), () -> commandCalls("eval") >= 20);

        assertEquals(0, commandCalls("hgetall"), "no room is read while every node is alive");
        assertEquals(Map.of(new UserId("ann"), "ann", new UserId("bob"), "bob"), result(a.presence().online(new RoomId("room-7"))));
    }

    @Test
    void aNodeTakenForDeadWritesItsPresenceBackOnItsNextHeartbeat() {
        RedisNode a = node(RedisSettings.of(redis.url()).withNodeTtl(Duration.ofMillis(600)));
        result(a.presence().enter(room, new ConnectionId("c-ann"), new UserId("ann"), "ann"));
        // What the others do to a node that was silent for longer than its TTL: its key is gone, its entries swept.
        raw(connection -> {
            List<String> nodeKeys = connection.sync().keys(RedisKeys.NODE_PREFIX + "*");
            nodeKeys.add(RedisKeys.presence(room));
            return connection.sync().del(nodeKeys.toArray(String[]::new));
        });
        assertEquals(Map.of(), result(a.presence().online(room)));

        Await.until("ann is back", Duration.ofSeconds(5),
                () -> result(a.presence().online(room)).equals(Map.of(new UserId("ann"), "ann")));
    }

    private long commandCalls(String command) {
        String stats = raw(connection -> connection.sync().info("commandstats"));
        Matcher calls = Pattern.compile("cmdstat_" + command + ":calls=(\\d+)").matcher(stats);
        return calls.find() ? Long.parseLong(calls.group(1)) : 0;
    }

    private <T> T raw(Function<StatefulRedisConnection<String, String>, T> call) {
        RedisClient client = RedisClient.create(redis.url());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return call.apply(connection);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void throughARedisCrashPublishingNeverFailsAndAfterwardsSubscriptionsAndPresenceAreBack() {
        RedisNode a = node();
        RedisNode b = node();
        RecordingClusterEvents heardByB = new RecordingClusterEvents();
        b.attach(heardByB);
        result(b.bus().subscribe(room));
        result(a.presence().enter(room, new ConnectionId("c-ann"), new UserId("ann"), "ann"));

        redis.kill();
        Await.until("both nodes notice", Duration.ofSeconds(5), () -> !a.bus().isAvailable() && !b.bus().isAvailable()
                && !a.presence().isAvailable() && !b.presence().isAvailable());
        result(a.bus().publish(new RoomEvent.Typing(room, new UserId("ann"), "ann"))); // dropped, not failed

        redis.restart();
        Await.until("b resumes", Duration.ofSeconds(10), () -> heardByB.resumedCount() == 1);
        Await.until("a is available again", Duration.ofSeconds(10), () -> a.bus().isAvailable() && a.presence().isAvailable());
        RoomEvent afterwards = new RoomEvent.Typing(room, new UserId("ann"), "after");
        result(a.bus().publish(afterwards));

        Await.until("b hears a again", Duration.ofSeconds(5), () -> heardByB.published().contains(afterwards));
        assertEquals(Map.of(new UserId("ann"), "ann"), result(b.presence().online(room)),
                "the restarted Redis lost everything; a wrote its presence back");
    }

    @Test
    void aSubscriptionRedisRefusesWhileConnectedIsAskedForAgainUntilInPlaceAndTheCoreCatchesUp() {
        assumeTrue(redis.binary().atLeast(7, 0), () -> redis.binary().tooOldFor("channel permissions", 7, 0));
        // A user that may use its node's inbox but, for now, no room's channel: Redis refuses the room's SUBSCRIBE
        // and the connection stays up, as it does when a SUBSCRIBE times out.
        raw(connection -> connection.sync().aclSetuser("listener", AclSetuserArgs.Builder.on()
                .addPassword("pw").allKeys().allCommands().resetChannels().channelPattern("relay:inbox:*")));
        RedisNode publisher = node();
        RedisNode listener = node(RedisSettings.of(redis.url().replace("redis://", "redis://listener:pw@")));
        RecordingClusterEvents heard = new RecordingClusterEvents();
        listener.attach(heard);

        result(listener.bus().subscribe(room)); // the core carries on: the store has what the bus misses
        assertEquals(0, subscribers(RedisKeys.roomChannel(room), false), "Redis refused the subscription");
        raw(connection -> connection.sync().aclSetuser("listener", AclSetuserArgs.Builder.allChannels()));

        Await.until("the subscription is asked for again and is in place", Duration.ofSeconds(5),
                () -> subscribers(RedisKeys.roomChannel(room), false) == 1);
        Await.until("the core is told to catch up that room from the store", () -> heard.resumedRooms().equals(List.of(room)));
        RoomEvent afterwards = new RoomEvent.Typing(room, new UserId("ann"), "after");
        result(publisher.bus().publish(afterwards));
        Await.until("the listener hears the room", Duration.ofSeconds(5), () -> heard.published().contains(afterwards));
        assertTrue(listener.bus().isAvailable(), "a refused command is not an outage");
        assertEquals(0, heard.resumedCount(), "nor are the other rooms read again");
    }
}
