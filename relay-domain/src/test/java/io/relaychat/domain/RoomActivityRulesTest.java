package io.relaychat.domain;

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
import java.util.List;

import static io.relaychat.testkit.Await.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a node tells {@link RoomActivity}: each change the store made, once, in the order it happened in the room. */
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
