package io.relaychat.domain;

import io.relaychat.domain.Limits.Rates;
import io.relaychat.ports.in.SendMessageCommand;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Reason;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.User;
import io.relaychat.ports.in.ChatConnection;
import io.relaychat.adapter.local.InMemoryMessageStore;
import io.relaychat.adapter.local.InMemoryPresence;
import io.relaychat.adapter.local.InProcessEventBus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.relaychat.testkit.Await.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What one user may do in real time on a node: sends, typing, joins, connections and rooms per connection. */
class ChatQuotasTest {
    private static final Rates TIGHT = new Rates(new Rate(1, 3), new Rate(1, 2), new Rate(1, 4), Rate.OFF, Rate.OFF,
            Rate.OFF, Rate.OFF);
    private final TestCore test = new TestCore(Limits.defaults().withRates(TIGHT).withSizes(2, 2, 500));
    private final User ann = test.register("ann");
    private final User bob = test.register("bob");
    private final Room room = test.groupRoom(ann, bob);

    @Test
    void sendsOverTheRateAreRefusedWithTheClientIdsRetryTimeAndAreNotStored() {
        TestClient annClient = test.connect(ann);
        annClient.join(room);
        List<Outcome<ChatMessage>> answers = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            answers.add(result(annClient.connection().send(new SendMessageCommand(room.id(), "m" + i, List.of(), "c" + i))));
        }

        assertEquals(List.of(true, true, true, false), answers.stream().map(a -> a instanceof Outcome.Accepted).toList());
        assertEquals(Outcome.rejected(Refusal.rateLimited(Duration.ofSeconds(1))), answers.get(3));
        assertEquals(3, result(test.messages.history(room.id(), 10, null, null)).size(), "the refused one was not stored");
        test.clock.advance(Duration.ofSeconds(1));
        assertTrue(annClient.say(room, "after a second") instanceof Outcome.Accepted<ChatMessage>);
    }

    @Test
    void aSendRefusedOnArrivalIsAnsweredInItsTurnBehindTheRequestsBeforeIt() {
        CompletableFuture<Void> storeAnswers = new CompletableFuture<>();
        TestCore slow = new TestCore(new SlowMessages(new InMemoryMessageStore(), storeAnswers),
                InProcessEventBus.standalone(), new InMemoryPresence(), Limits.defaults().withRates(TIGHT));
        User dan = slow.register("dan");
        Room danRoom = slow.groupRoom(dan);
        TestClient danClient = slow.connect(dan);
        danClient.join(danRoom);
        List<String> answered = new CopyOnWriteArrayList<>();

        List<CompletionStage<Outcome<ChatMessage>>> sends = new ArrayList<>();
        for (int i = 1; i <= 4; i++) { // the fourth is over the burst of 3: refused as it arrives
            String name = "send " + i;
            CompletionStage<Outcome<ChatMessage>> send = danClient.connection().send(
                    new SendMessageCommand(danRoom.id(), "m" + i, List.of(), null));
            send.thenAccept(outcome -> answered.add(name));
            sends.add(send);
        }
        storeAnswers.complete(null);

        assertEquals(Reason.RATE_LIMITED, ((Outcome.Rejected<ChatMessage>) result(sends.get(3))).reason());
        assertEquals(List.of("send 1", "send 2", "send 3", "send 4"), answered);
    }

    @Test
    void contentOverTheLimitCostsNoSendFromTheRate() {
        TestClient annClient = test.connect(ann);
        annClient.join(room);

        for (int i = 0; i < 5; i++) {
            Outcome<ChatMessage> tooLong = result(annClient.connection().send(
                    new SendMessageCommand(room.id(), "x".repeat(4001), List.of(), null)));
            assertEquals(Reason.CONTENT_TOO_LONG, ((Outcome.Rejected<ChatMessage>) tooLong).reason());
        }

        assertTrue(annClient.say(room, "fine") instanceof Outcome.Accepted<ChatMessage>);
    }

    @Test
    void typingOverItsRateIsRefusedAndNotFannedOut() {
        TestClient annClient = test.connect(ann);
        TestClient bobClient = test.connect(bob);
        annClient.join(room);
        bobClient.join(room);

        List<Outcome<RoomId>> answers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            answers.add(result(annClient.connection().typing(room.id())));
        }

        assertEquals(Reason.RATE_LIMITED, ((Outcome.Rejected<RoomId>) answers.get(2)).reason());
        assertEquals(2, bobClient.events().eventsOf(io.relaychat.ports.model.RoomEvent.Typing.class).size());
    }

    @Test
    void joinsOverTheRateAreRefusedRepeatedOnesIncluded() {
        TestClient annClient = test.connect(ann);
        for (int i = 0; i < 4; i++) {
            assertTrue(annClient.join(room) instanceof Outcome.Accepted<Room>, "join " + i);
        }

        Outcome<Room> fifth = annClient.join(room);

        assertEquals(Outcome.rejected(Refusal.rateLimited(Duration.ofSeconds(1))), fifth);
    }

    @Test
    void aConnectionHoldsAtMostItsNumberOfRooms() {
        Room second = test.groupRoom(ann);
        Room third = test.groupRoom(ann);
        TestClient annClient = test.connect(ann);
        annClient.join(room);
        annClient.join(second);

        Outcome<Room> tooMany = annClient.join(third);
        result(annClient.connection().leave(room.id()));
        test.clock.advance(Duration.ofSeconds(10));
        Outcome<Room> afterLeaving = annClient.join(third);

        assertEquals(Outcome.rejected(Refusal.tooManyRooms(2)), tooMany);
        assertTrue(afterLeaving instanceof Outcome.Accepted<Room>, "a room left frees its place: " + afterLeaving);
    }

    @Test
    void aUserHasAtMostItsNumberOfConnectionsAndAClosedOneFreesItsPlace() {
        ChatConnection first = test.core.chat().connect(ann, new RecordingClient()).value();
        test.core.chat().connect(ann, new RecordingClient()).value();

        Outcome<ChatConnection> third = test.core.chat().connect(ann, new RecordingClient());
        Outcome<ChatConnection> bobs = test.core.chat().connect(bob, new RecordingClient());
        result(first.close());
        Outcome<ChatConnection> afterClosing = test.core.chat().connect(ann, new RecordingClient());

        assertEquals(Outcome.rejected(Refusal.tooManyConnectionsForUser(2)), third);
        assertTrue(bobs instanceof Outcome.Accepted<ChatConnection>, "per user");
        assertTrue(afterClosing instanceof Outcome.Accepted<ChatConnection>, "closing frees the place");
    }

    @Test
    void limitsAtZeroAreOff() {
        TestCore unlimited = new TestCore(Limits.defaults().withRates(Rates.off()).withSizes(0, 0, 0));
        User dan = unlimited.register("dan");
        Room danRoom = unlimited.groupRoom(dan);
        TestClient danClient = unlimited.connect(dan);
        danClient.join(danRoom);

        for (int i = 0; i < 1000; i++) {
            assertTrue(danClient.say(danRoom, "m" + i) instanceof Outcome.Accepted<ChatMessage>);
        }
        for (int i = 0; i < 50; i++) {
            unlimited.connect(dan);
        }
    }
}
