package io.relaychat.domain;

import io.relaychat.adapter.local.InMemoryMessageStore;
import io.relaychat.adapter.local.InMemoryPresence;
import io.relaychat.adapter.local.InProcessEventBus;
import io.relaychat.domain.Limits.Rates;
import io.relaychat.ports.in.CreateRoomCommand;
import io.relaychat.ports.in.SendMessageCommand;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.MessageId;
import io.relaychat.ports.model.NewMessage;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Reason;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomEvent.MessagePosted;
import io.relaychat.ports.model.RoomType;
import io.relaychat.ports.model.StorageUnavailableException;
import io.relaychat.ports.model.User;
import io.relaychat.ports.out.RelayMetrics;
import io.relaychat.ports.out.RelayMetrics.Limited;
import io.relaychat.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.relaychat.testkit.Await.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the core reports to its {@link RelayMetrics}: sends accepted and refused by code, rate limits by kind, store
 * appends and their failures, gap fills, the rooms it has joined, and when it took each live message in (which the
 * transport times its deliveries from), while stored history replayed to a resuming client is not timed.
 */
class MetricsRulesTest {
    private static final Rates ONE_SEND_A_MINUTE = new Rates(Rate.of(1, Duration.ofMinutes(1)), Rate.OFF, Rate.of(1, Duration.ofMinutes(1)), Rate.OFF,
            Rate.OFF, Rate.OFF, Rate.OFF);
    private final TestCore test = new TestCore(Limits.defaults().withRates(ONE_SEND_A_MINUTE));
    private final User ann = test.register("ann");
    private final User bob = test.register("bob");
    private final User cat = test.register("cat");
    private final Room room = test.groupRoom(ann, bob);

    @AfterEach
    void stop() {
        test.scheduler.close();
    }

    private Outcome<ChatMessage> send(TestClient client, String content) {
        return result(client.connection().send(new SendMessageCommand(room.id(), content, List.of(), null)));
    }

    @Test
    void eachAcceptedSendIsCountedOnceWithItsStoreAppend() {
        TestClient annClient = test.connect(ann);
        TestClient bobClient = test.connect(bob);
        annClient.join(room);
        bobClient.join(room);

        send(annClient, "hello");
        send(bobClient, "hi");

        assertEquals(2, test.metrics.accepted());
        assertEquals(2, test.metrics.storeAppends());
        assertEquals(0, test.metrics.storeErrors());
    }

    @Test
    void refusedSendsAreCountedByTheirCodeAndRateLimitsByTheirKind() {
        TestClient annClient = test.connect(ann);
        TestClient catClient = test.connect(cat);
        annClient.join(room);

        send(annClient, "x".repeat(4001));      // too long
        send(annClient, "first");               // accepted
        send(annClient, "second");              // over one a minute
        send(catClient, "not a member");        // cat is not in the room

        assertEquals(1, test.metrics.accepted());
        assertEquals(1, test.metrics.refused(Reason.CONTENT_TOO_LONG));
        assertEquals(1, test.metrics.refused(Reason.RATE_LIMITED));
        assertEquals(1, test.metrics.refused(Reason.NOT_MEMBER));
        assertEquals(1, test.metrics.rateLimitedCount(Limited.SEND));
        assertEquals(0, test.metrics.rateLimitedCount(Limited.JOIN));
        annClient.join(room); // a second join within the minute
        assertEquals(1, test.metrics.rateLimitedCount(Limited.JOIN));
    }

    @Test
    void roomCreationsAndSearchesOverTheirRateAreCountedByTheirKind() {
        Rates oneEach = new Rates(Rate.OFF, Rate.OFF, Rate.OFF, Rate.of(1, Duration.ofHours(1)),
                Rate.of(1, Duration.ofMinutes(1)), Rate.OFF, Rate.OFF, Rate.OFF, Rate.OFF);
        TestCore limited = new TestCore(Limits.defaults().withRates(oneEach));
        try {
            User dan = limited.register("dan");
            limited.groupRoom(dan);
            Outcome<Room> second = result(limited.core.rooms().createRoom(
                    new CreateRoomCommand(dan.id(), "another", RoomType.GROUP, List.of())));
            result(limited.core.searchUsers().search(dan.id(), "an"));
            result(limited.core.searchUsers().search(dan.id(), "an"));

            assertEquals(Reason.RATE_LIMITED, ((Outcome.Rejected<Room>) second).reason());
            assertEquals(1, limited.metrics.rateLimitedCount(Limited.ROOM_CREATION));
            assertEquals(1, limited.metrics.rateLimitedCount(Limited.SEARCH));
            assertEquals(0, limited.metrics.rateLimitedCount(Limited.SEND));
        } finally {
            limited.scheduler.close();
        }
    }

    @Test
    void aStoreThatFailsIsCountedAsAStoreError() {
        CompletableFuture<Void> storeDown = CompletableFuture.failedFuture(new StorageUnavailableException("down"));
        TestCore failing = new TestCore(new SlowMessages(new InMemoryMessageStore(), storeDown),
                InProcessEventBus.standalone(), new InMemoryPresence(), Limits.defaults());
        try {
            User dan = failing.register("dan");
            Room danRoom = failing.groupRoom(dan);
            TestClient danClient = failing.connect(dan);
            danClient.join(danRoom);

            Await.failure(danClient.connection().send(new SendMessageCommand(danRoom.id(), "lost", List.of(), null)));

            assertEquals(1, failing.metrics.storeAppends());
            assertEquals(1, failing.metrics.storeErrors());
            assertEquals(0, failing.metrics.accepted());
        } finally {
            failing.scheduler.close();
        }
    }

    @Test
    void liveMessagesCarryWhenTheCoreTookThemInAndReplayedHistoryDoesNot() {
        TestClient annClient = test.connect(ann);
        annClient.join(room);
        send(annClient, "before bob");
        TestClient bobClient = test.connect(bob);

        result(bobClient.connection().join(room.id(), 0L)); // resumes: gets "before bob" from the store
        test.clock.advance(Duration.ofMinutes(1));
        send(annClient, "live");
        bobClient.events().awaitMessages(2);

        List<Long> taken = bobClient.events().messagesAcceptedAt();
        assertEquals(0L, taken.get(0), "replayed history is not a live delivery");
        assertNotEquals(0L, taken.get(1), "a live message is timed");
        assertEquals(0L, RelayMetrics.NONE.timestamp(), "without metrics nothing is timed");
    }

    @Test
    void aGapThatIsFilledFromTheStoreIsCounted() {
        TestClient annClient = test.connect(ann);
        annClient.join(room);
        // Two messages another node stored; only the second one's publication arrives here.
        store(bob, "lost on the bus");
        ChatMessage second = store(bob, "heard");

        test.core.clusterEvents().published(new MessagePosted(second));
        annClient.events().awaitMessages(2);

        assertEquals(1, test.metrics.gapFills());
        assertEquals(List.of("lost on the bus", "heard"), annClient.events().contents());
    }

    @Test
    void joinedRoomsCountsTheRoomsWithAConnectionOfThisNodeInThem() {
        Room other = test.groupRoom(ann);
        TestClient annClient = test.connect(ann);
        TestClient bobClient = test.connect(bob);
        assertEquals(0, test.core.joinedRooms());

        annClient.join(room);
        bobClient.join(room);
        test.clock.advance(Duration.ofMinutes(1)); // joins are one a minute here
        annClient.join(other);
        assertEquals(2, test.core.joinedRooms());

        result(annClient.connection().close());
        assertEquals(1, test.core.joinedRooms());
        result(bobClient.connection().close());
        assertEquals(0, test.core.joinedRooms());
        assertTrue(test.faults.isEmpty(), "faults: " + test.faults);
    }

    private ChatMessage store(User author, String content) {
        return result(test.messages.append(new NewMessage(new MessageId(content), room.id(), author.id(),
                author.username(), content, Instant.parse("2026-01-01T00:00:00Z"), List.of(), null))).message();
    }
}
