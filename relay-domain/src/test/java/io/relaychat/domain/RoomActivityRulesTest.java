package io.relaychat.domain;

import io.relaychat.adapter.local.InMemoryMessageStore;
import io.relaychat.adapter.local.InMemoryPresence;
import io.relaychat.adapter.local.InProcessEventBus;
import io.relaychat.ports.in.CreateRoomCommand;
import io.relaychat.ports.in.SendMessageCommand;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomType;
import io.relaychat.ports.model.User;
import io.relaychat.ports.out.RoomActivity;
import io.relaychat.ports.out.RoomActivity.MemberAdded;
import io.relaychat.ports.out.RoomActivity.MemberRemoved;
import io.relaychat.ports.out.RoomActivity.MessagePosted;
import io.relaychat.ports.out.RoomActivity.RoomCreated;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

import static io.relaychat.testkit.Await.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a node tells {@link RoomActivity}: each change the store made, once, in the order it happened in the room, its
 * messages by seq however their appends finish.
 */
class RoomActivityRulesTest {
    private final TestCore test = new TestCore();
    private final User ann = test.register("ann");
    private final User bob = test.register("bob");
    /** The test's clock stands still: every change is told at this moment. */
    private final Instant now = test.clock.now();

    @Test
    void aRoomsLifeIsToldInOrderCreationAddJoinMessagesAndLeaving() {
        User cat = test.register("cat");
        Room room = test.groupRoom(ann);
        result(test.core.rooms().addMember(ann.id(), room.id(), "bob@example.com"));
        result(test.core.rooms().joinRoom(cat.id(), room.id()));
        TestClient annClient = test.connect(ann);
        annClient.join(room);
        ChatMessage first = annClient.say(room, "one").value();
        ChatMessage second = annClient.say(room, "two").value();
        result(test.core.rooms().leaveRoom(bob.id(), room.id()));

        assertEquals(List.of(
                new RoomCreated(room),
                new MemberAdded(room.id(), bob.id(), ann.id(), now),
                new MemberAdded(room.id(), cat.id(), cat.id(), now),
                new MessagePosted(first),
                new MessagePosted(second),
                new MemberRemoved(room.id(), bob.id(), bob.id(), now)), test.activity);
        assertEquals(List.of(1L, 2L), List.of(first.seq(), second.seq()));
    }

    @Test
    void whatChangesNothingIsNotToldARetriedSendAJoinOfAMemberAnAddOfAMemberALeaveOfANonMember() {
        Room room = test.groupRoom(ann, bob);
        TestClient annClient = test.connect(ann);
        annClient.join(room);
        SendMessageCommand send = new SendMessageCommand(room.id(), "once", List.of(), "client-1");
        result(annClient.connection().send(send));
        result(annClient.connection().send(send));
        result(test.core.rooms().joinRoom(bob.id(), room.id()));
        result(test.core.rooms().addMember(ann.id(), room.id(), "bob@example.com"));
        result(test.core.rooms().leaveRoom(bob.id(), room.id()));
        result(test.core.rooms().leaveRoom(bob.id(), room.id()));

        assertEquals(List.of(RoomCreated.class, MessagePosted.class, MemberRemoved.class),
                test.activity.stream().map(Object::getClass).toList());
    }

    @Test
    void aDirectRoomIsToldCreatedOnTheFirstCallOnlyAndACallerWhoHadLeftIsToldAddedBack() {
        Room direct = result(test.core.rooms().openDirectRoom(ann.id(), "bob")).value();
        result(test.core.rooms().openDirectRoom(bob.id(), "ann"));
        result(test.core.rooms().leaveRoom(ann.id(), direct.id()));
        result(test.core.rooms().openDirectRoom(ann.id(), "bob"));

        assertEquals(List.of(
                new RoomCreated(direct),
                new MemberRemoved(direct.id(), ann.id(), ann.id(), now),
                new MemberAdded(direct.id(), ann.id(), ann.id(), now)), test.activity);
    }

    @Test
    void messagesWhoseAppendsFinishOutOfSeqOrderAreToldBySeqAndAFailedOneHoldsNoneBack() {
        FinishLater store = new FinishLater(new InMemoryMessageStore());
        TestCore onStore = new TestCore(store, InProcessEventBus.standalone(), new InMemoryPresence(),
                Limits.defaults());
        User cat = onStore.register("cat");
        User dan = onStore.register("dan");
        User eve = onStore.register("eve");
        User fay = onStore.register("fay");
        Room room = onStore.groupRoom(cat, dan, eve, fay);
        onStore.activity.clear();
        // One send each: a connection's own sends go one after another, different connections' at once.
        List<CompletionStage<Outcome<ChatMessage>>> sends = new ArrayList<>();
        for (User sender : List.of(cat, dan, eve, fay)) {
            sends.add(onStore.connect(sender).connection().send(
                    new SendMessageCommand(room.id(), "from " + sender.username(), List.of(), null)));
        }
        assertEquals(4, store.taken(), "all four numbered, 1 to 4, none finished");

        store.finish(3);
        store.finish(2);
        assertEquals(List.of(), onStore.activity, "3 and 4 are stored, and 1 and 2 may still be");
        store.fail(1); // seq 2 is taken and never told
        assertEquals(List.of(), onStore.activity);
        store.finish(0);

        assertEquals(List.of(1L, 3L, 4L), onStore.activity.stream()
                .map(event -> ((MessagePosted) event).message().seq()).toList());
        assertEquals(List.of(1L, 3L, 4L), List.of(sends.get(0), sends.get(2), sends.get(3)).stream()
                .map(send -> result(send).value().seq()).toList(), "what the senders were answered");
    }

    @Test
    void aListenerThatThrowsFailsNeitherTheSendNorTheRequestAndIsReportedAsAFault() {
        TestCore throwing = new TestCore();
        User dan = throwing.register("dan");
        TestDoubles.Tokens tokens = new TestDoubles.Tokens();
        RelayCore core = RelayCore.builder()
                .userStore(throwing.users).roomStore(throwing.rooms).messageStore(throwing.messages)
                .blobStore(new TestDoubles.MemoryBlobs()).eventBus(throwing.bus).presence(throwing.presence)
                .scheduler(throwing.scheduler).passwordHasher(new TestDoubles.QuickHasher())
                .tokens(tokens, tokens)
                .onFault(throwing.faults::add)
                .roomActivity(event -> {
                    throw new IllegalStateException("listener broke");
                })
                .build();

        Room room = result(core.rooms().createRoom(new CreateRoomCommand(dan.id(), "r", RoomType.GROUP, List.of())))
                .value();
        RecordingClient events = new RecordingClient();
        TestClient danClient = new TestClient(core.chat().connect(dan, events).value(), events);
        danClient.join(room);

        assertTrue(room.hasMember(dan.id()));
        assertTrue(danClient.say(room, "still sent") instanceof Outcome.Accepted<?>);
        events.awaitMessages(1);
        assertEquals(2, throwing.faults.size(), "the creation and the message: " + throwing.faults);
    }
}
