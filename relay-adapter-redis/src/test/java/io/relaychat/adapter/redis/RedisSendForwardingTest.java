package io.relaychat.adapter.redis;

import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.NewMessage;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.StorageUnavailableException;
import io.relaychat.ports.out.MessageStore.Appended;
import io.relaychat.ports.out.SendForwarding;
import io.relaychat.testkit.Await;
import io.relaychat.testkit.RedisProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static io.relaychat.testkit.Await.failure;
import static io.relaychat.testkit.Await.result;
import static io.relaychat.testkit.Fixtures.aMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rooms divided among live nodes on a real redis-server, and sends handed to the node that stores their room. */
class RedisSendForwardingTest {
    private static final List<RoomId> ROOMS = IntStream.range(0, 200).mapToObj(i -> new RoomId("room-" + i)).toList();

    private RedisProcess redis;
    private RedisNode a;
    private RedisNode b;
    private final Storing storedByB = new Storing();

    @BeforeEach
    void startTwoNodes() {
        redis = RedisProcess.start();
        RedisSettings quick = RedisSettings.of(redis.url()).withNodeTtl(Duration.ofMillis(300)); // a beat per 100 ms
        a = RedisNode.connect(quick);
        b = RedisNode.connect(quick);
        a.forwarding().listen(message -> CompletableFuture.failedFuture(new AssertionError("a stores nothing here")));
        b.forwarding().listen(storedByB);
        Await.until("each node sees the other", Duration.ofSeconds(5), () -> roomsStoredBy(a) + roomsStoredBy(b) == ROOMS.size());
    }

    @AfterEach
    void stop() {
        for (RedisNode node : List.of(a, b)) {
            try {
                node.close();
            } catch (RuntimeException alreadyGone) {
                // abandoned in the test
            }
        }
        redis.close();
    }

    private static long roomsStoredBy(RedisNode node) {
        return ROOMS.stream().filter(room -> node.forwarding().storesHere(room)).count();
    }

    private static RoomId aRoomStoredBy(RedisNode node) {
        return ROOMS.stream().filter(room -> node.forwarding().storesHere(room)).findFirst().orElseThrow();
    }

    /** Answers each forwarded send as told by its content: stored (seq 1), a duplicate, or a store that is down. */
    private static final class Storing implements SendForwarding.Listener {
        final List<NewMessage> received = new CopyOnWriteArrayList<>();

        @Override
        public CompletionStage<Appended> onForwarded(NewMessage message) {
            received.add(message);
            return switch (message.content()) {
                case "down" -> CompletableFuture.failedFuture(new StorageUnavailableException("store down"));
                case "again" -> CompletableFuture.completedFuture(new Appended(message.withSeq(1), true));
                default -> CompletableFuture.completedFuture(new Appended(message.withSeq(1), false));
            };
        }
    }

    @Test
    void everyRoomIsStoredByExactlyOneNodeAndTheRoomsAreShared() {
        for (RoomId room : ROOMS) {
            assertTrue(a.forwarding().storesHere(room) != b.forwarding().storesHere(room), "one node stores " + room);
        }
        assertTrue(roomsStoredBy(a) > 50 && roomsStoredBy(b) > 50,
                "a stores " + roomsStoredBy(a) + " rooms, b " + roomsStoredBy(b));
    }

    @Test
    void aSendIsStoredByItsRoomsNodeAndTheAnswerComesBack() {
        NewMessage send = aMessage().in(aRoomStoredBy(b)).saying("hello").withClientId("c1").build();

        Appended answer = result(a.forwarding().forward(send));

        assertEquals(List.of(send), storedByB.received);
        assertEquals(new Appended(send.withSeq(1), false), answer);
    }

    @Test
    void duplicatesAndStoreFailuresAreAnsweredAsSuch() {
        RoomId room = aRoomStoredBy(b);

        Appended again = result(a.forwarding().forward(aMessage().in(room).saying("again").build()));
        Throwable down = failure(a.forwarding().forward(aMessage().in(room).saying("down").build()));

        assertTrue(again.duplicate());
        assertInstanceOf(StorageUnavailableException.class, down);
    }

    @Test
    void aSendForANodeThatIsGoneFailsAtOnceAndItsRoomsPassToTheLiveNodes() {
        RoomId room = aRoomStoredBy(b);
        b.abandon();

        Throwable lost = failure(a.forwarding().forward(aMessage().in(room).build()));

        assertFalse(lost instanceof StorageUnavailableException, "not a store failure: the sender stores it itself");
        Await.until("a stores every room", Duration.ofSeconds(5), () -> roomsStoredBy(a) == ROOMS.size());
    }

    @Test
    void sendsArriveInTheOrderTheyWereHandedOn() {
        RoomId room = aRoomStoredBy(b);
        List<CompletionStage<Appended>> answers = new ArrayList<>();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            sent.add("m" + i);
            answers.add(a.forwarding().forward(aMessage().in(room).saying("m" + i).build()));
        }
        answers.forEach(Await::result);

        assertEquals(sent, storedByB.received.stream().map(NewMessage::content).toList());
        assertEquals(sent, answers.stream().map(answer -> result(answer).message()).map(ChatMessage::content).toList());
    }
}
