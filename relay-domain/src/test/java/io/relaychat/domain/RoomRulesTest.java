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
import io.relaychat.adapter.local.InMemoryRoomStore;
import io.relaychat.adapter.local.InProcessEventBus;
import io.relaychat.ports.out.RelayMetrics;
import io.relaychat.ports.out.RoomActivity;
import io.relaychat.ports.out.RoomStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.relaychat.testkit.Await.result;
import static io.relaychat.testkit.Fixtures.aGroupRoom;
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

    @Test
    void concurrentJoinsOfOneUserAnswerJoinedOnceAndAlreadyAMemberOtherwiseAndAreToldAsOneAddition() throws Exception {
        int joiners = 5;
        InMemoryRoomStore store = new InMemoryRoomStore();
        Room room = aGroupRoom().withMembers(ann.id()).build();
        result(store.insert(room));
        // Every join has read the room (without the joiner) before any of them adds the joiner: the race at its worst.
        CountDownLatch allRead = new CountDownLatch(joiners);
        RoomStore racing = new RacingRoomStore(store, allRead);
        RoomDirectory directory = new RoomDirectory(racing, 100, () -> true);
        List<RoomActivity.Event> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        RoomService service = new RoomService(racing, test.users, test.messages, directory,
                Instant::now, () -> UUID.randomUUID().toString(), Limits.defaults(), RelayMetrics.NONE,
                new ChatQuotas(Limits.defaults(), Instant::now),
                new MemberDepartures(directory, new LocalConnections(), InProcessEventBus.standalone(),
                        new Faults(error -> { })), told::add);
        ExecutorService threads = Executors.newFixedThreadPool(joiners);
        try {
            List<Future<Outcome<Membership>>> joins = new ArrayList<>();
            for (int i = 0; i < joiners; i++) {
                joins.add(threads.submit(() -> result(service.joinRoom(bob.id(), room.id()))));
            }

            long joined = 0;
            for (Future<Outcome<Membership>> join : joins) {
                joined += join.get(10, TimeUnit.SECONDS).value().alreadyMember() ? 0 : 1;
            }

            assertEquals(1, joined, "joins answered \"Joined successfully\"");
            assertEquals(1, told.size(), "one change, told once: " + told);
            assertEquals(List.of(ann.id(), bob.id()), result(store.findById(room.id())).orElseThrow().members());
        } finally {
            threads.shutdownNow();
        }
    }

    /** A room store whose adds wait until every join has read the room. */
    private record RacingRoomStore(InMemoryRoomStore delegate, CountDownLatch allRead) implements RoomStore {
        @Override
        public CompletionStage<Optional<Room>> findById(RoomId id) {
            return delegate.findById(id).whenComplete((found, error) -> allRead.countDown());
        }

        @Override
        public CompletionStage<Boolean> addMember(RoomId roomId, UserId member) {
            try {
                allRead.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return delegate.addMember(roomId, member);
        }

        @Override
        public CompletionStage<Boolean> removeMember(RoomId roomId, UserId member) {
            return delegate.removeMember(roomId, member);
        }

        @Override
        public CompletionStage<Void> insert(Room room) {
            return delegate.insert(room);
        }

        @Override
        public CompletionStage<List<Room>> findByMember(UserId member) {
            return delegate.findByMember(member);
        }

        @Override
        public CompletionStage<List<Room>> findGroupRoomsWithout(UserId user, int limit) {
            return delegate.findGroupRoomsWithout(user, limit);
        }

        @Override
        public CompletionStage<Room> findOrInsertDirect(Room candidate) {
            return delegate.findOrInsertDirect(candidate);
        }
    }

    @Test
    void aRoomCreationNamingMoreMembersThanAllowedIsRefusedBeforeAnyLookup() {
        TestCore small = new TestCore(Limits.defaults().withSizes(32, 500, 3));
        User dan = small.register("dan");
        List<UserId> four = List.of(new UserId("a"), new UserId("b"), new UserId("c"), new UserId("d"));

        Outcome<Room> refused = result(small.core.rooms().createRoom(
                new CreateRoomCommand(dan.id(), "crowd", RoomType.GROUP, four)));

        assertEquals(Outcome.rejected(Refusal.invalidField("field 'members' must list at most 3 user ids")), refused);
        assertEquals(List.of(), result(small.core.rooms().roomsOf(dan.id())));
    }

    @Test
    void roomsCreatedOverTheHourlyRateAreRefusedSayingWhenToTryAgain() {
        TestCore hourly = new TestCore(Limits.defaults().withRates(new Limits.Rates(Rate.OFF, Rate.OFF, Rate.OFF,
                Rate.of(2, java.time.Duration.ofHours(1)), Rate.OFF, Rate.OFF, Rate.OFF)));
        User dan = hourly.register("dan");
        hourly.groupRoom(dan);
        hourly.groupRoom(dan);

        Outcome<Room> third = result(hourly.core.rooms().createRoom(
                new CreateRoomCommand(dan.id(), "third", RoomType.GROUP, List.of())));

        assertEquals(Outcome.rejected(Refusal.rateLimited(java.time.Duration.ofMinutes(30))), third);
        hourly.clock.advance(java.time.Duration.ofMinutes(30));
        assertTrue(result(hourly.core.rooms().createRoom(
                new CreateRoomCommand(dan.id(), "third", RoomType.GROUP, List.of()))) instanceof Outcome.Accepted<Room>);
    }

    private static Reason rejection(java.util.concurrent.CompletionStage<? extends Outcome<?>> stage) {
        Outcome<?> outcome = result(stage);
        return ((Outcome.Rejected<?>) outcome).reason();
    }
}
