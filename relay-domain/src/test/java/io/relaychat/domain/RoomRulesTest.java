package io.relaychat.domain;

import io.relaychat.ports.in.CreateRoomCommand;
import io.relaychat.ports.in.HistoryQuery;
import io.relaychat.ports.in.RoomsUseCase.Membership;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.InvalidCommandException;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Reason;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.RoomType;
import io.relaychat.ports.model.User;
import io.relaychat.ports.model.UserId;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.relaychat.testkit.Await.result;
import static io.relaychat.testkit.Fixtures.aMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoomRulesTest {
    private final TestCore test = new TestCore();
    private final RelayCore core = test.core;
    private final User ann = test.register("ann");
    private final User bob = test.register("bob");
    private final User cat = test.register("cat");

    @Test
    void theCreatorIsAlwaysAMemberAndUnknownOrRepeatedMembersAreDropped() {
        Room room = result(core.rooms().createRoom(new CreateRoomCommand(ann.id(), "  general ", RoomType.GROUP,
                List.of(bob.id(), bob.id(), new UserId("ghost"), ann.id())))).value();

        assertEquals("general", room.name());
        assertEquals(List.of(ann.id(), bob.id()), room.members());
        assertEquals(List.of(room), result(core.rooms().roomsOf(bob.id())));
    }

    @Test
    void aRoomNeedsAName() {
        assertThrows(InvalidCommandException.class, () -> new CreateRoomCommand(ann.id(), " ", RoomType.GROUP, List.of()));
    }

    @Test
    void discoveryShowsGroupRoomsTheUserIsNotIn() {
        Room open = test.groupRoom(bob);
        test.privateRoom(bob);
        test.groupRoom(ann, cat);

        assertEquals(List.of(open.id()), result(core.rooms().discover(cat.id())).stream().map(Room::id).toList());
    }

    @Test
    void joiningAGroupRoomMakesAMemberOnce() {
        Room room = test.groupRoom(ann);

        Membership first = result(core.rooms().joinRoom(bob.id(), room.id())).value();
        Membership second = result(core.rooms().joinRoom(bob.id(), room.id())).value();

        assertEquals(false, first.alreadyMember());
        assertTrue(first.room().hasMember(bob.id()));
        assertEquals(true, second.alreadyMember());
    }

    @Test
    void aPrivateRoomCannotBeJoinedByIdAndAnUnknownRoomIsNotFound() {
        Room secret = test.privateRoom(ann);

        assertEquals(Reason.ACCESS_DENIED, rejection(core.rooms().joinRoom(bob.id(), secret.id())));
        assertEquals(Reason.NOT_FOUND, rejection(core.rooms().joinRoom(bob.id(), new RoomId("nope"))));
        assertEquals(List.of(ann.id()), result(test.rooms.findById(secret.id())).orElseThrow().members());
    }

    @Test
    void onlyAMemberCanAddSomeoneAndOnlySomeoneWhoExists() {
        Room room = test.privateRoom(ann);

        assertEquals(Reason.NOT_MEMBER, rejection(core.rooms().addMember(bob.id(), room.id(), "cat@example.com")));
        assertEquals(Reason.NOT_FOUND, rejection(core.rooms().addMember(ann.id(), room.id(), "nobody@example.com")));
        User added = result(core.rooms().addMember(ann.id(), room.id(), "BOB@example.com")).value();

        assertEquals(bob, added);
        assertEquals(List.of(room.id()), result(core.rooms().roomsOf(bob.id())).stream().map(Room::id).toList());
    }

    @Test
    void aDirectRoomIsTheSameWhicheverSideOpensItAndByEmailOrUsername() {
        Room fromAnn = result(core.rooms().openDirectRoom(ann.id(), "bob@example.com")).value();
        Room fromBob = result(core.rooms().openDirectRoom(bob.id(), "ann")).value();

        assertEquals(fromAnn.id(), fromBob.id());
        assertEquals(RoomType.PRIVATE, fromAnn.type());
        assertEquals(List.of(ann.id(), bob.id()), fromAnn.members());
        assertEquals("DM: ann & bob", fromAnn.name());
        Room withCat = result(core.rooms().openDirectRoom(ann.id(), "cat")).value();
        assertNotEquals(fromAnn.id(), withCat.id());
    }

    @Test
    void noDirectRoomWithYourselfOrWithNobody() {
        assertEquals(Outcome.rejected(new Refusal(Reason.SELF_DIRECT_MESSAGE, "Cannot DM yourself")),
                result(core.rooms().openDirectRoom(ann.id(), "ann@example.com")));
        assertEquals(Outcome.rejected(new Refusal(Reason.NOT_FOUND, "User not found")),
                result(core.rooms().openDirectRoom(ann.id(), "nobody")));
    }

    @Test
    void historyIsForMembersOnlyAndUnknownRoomsLookTheSame() {
        Room room = test.groupRoom(ann);

        Outcome<List<ChatMessage>> notMember = result(core.history().history(new HistoryQuery(bob.id(), room.id(), 50, null, null)));
        Outcome<List<ChatMessage>> unknown = result(core.history().history(new HistoryQuery(bob.id(), new RoomId("x"), 50, null, null)));

        assertEquals(Outcome.rejected(new Refusal(Reason.NOT_MEMBER, "Access denied")), notMember);
        assertEquals(notMember, unknown);
    }

    @Test
    void historyPagesOldestFirstByLimitAndCursor() {
        Room room = test.groupRoom(ann);
        for (int i = 1; i <= 7; i++) {
            result(test.messages.append(aMessage().in(room.id()).from(ann.id()).saying("m" + i).build()));
        }

        List<ChatMessage> newest = result(core.history().history(new HistoryQuery(ann.id(), room.id(), 3, null, null))).value();
        List<ChatMessage> before = result(core.history().history(new HistoryQuery(ann.id(), room.id(), 3, null, 5L))).value();

        assertEquals(List.of("m5", "m6", "m7"), newest.stream().map(ChatMessage::content).toList());
        assertEquals(List.of("m2", "m3", "m4"), before.stream().map(ChatMessage::content).toList());
        assertThrows(InvalidCommandException.class, () -> new HistoryQuery(ann.id(), room.id(), 101, null, null));
        assertThrows(InvalidCommandException.class, () -> new HistoryQuery(ann.id(), room.id(), 0, null, null));
    }

    private static Reason rejection(java.util.concurrent.CompletionStage<? extends Outcome<?>> stage) {
        Outcome<?> outcome = result(stage);
        return ((Outcome.Rejected<?>) outcome).reason();
    }
}
