package io.relaychat.testkit;

import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.RoomStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

import static io.relaychat.testkit.Await.result;
import static io.relaychat.testkit.Fixtures.aGroupRoom;
import static io.relaychat.testkit.Fixtures.aPrivateRoom;
import static io.relaychat.testkit.Fixtures.newId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link RoomStore} must do: a room is found by id and by member, a member's rooms oldest first;
 * a member is added once, and concurrent adds of different members all land while concurrent adds of one
 * member answer "added" exactly once; a member is removed once, the others kept in their order, and a room left
 * empty is kept; discovery lists the newest group rooms a user is not
 * in; a pair's direct room is created once, whichever side asks and however many ask at once. Extend it
 * with a fresh, empty store per test.
 */
public abstract class RoomStoreContract {
    protected RoomStore store;
    private final UserId alice = new UserId(newId());
    private final UserId bob = new UserId(newId());

    protected abstract RoomStore newStore();

    @BeforeEach
    void createStore() {
        store = newStore();
    }

    @Test
    void insertedRoomIsFoundByIdAndByMember() {
        Room room = aGroupRoom().named("general").withMembers(alice, bob).build();
        result(store.insert(room));

        assertEquals(room, result(store.findById(room.id())).orElseThrow());
        assertEquals(List.of(room), result(store.findByMember(bob)));
        assertTrue(result(store.findById(new RoomId("missing"))).isEmpty());
    }

    @Test
    void roomsOfAMemberComeOldestFirst() {
        Room first = aGroupRoom().withMembers(alice).createdAt(Fixtures.now().minusSeconds(20)).build();
        Room second = aGroupRoom().withMembers(alice).createdAt(Fixtures.now().minusSeconds(10)).build();
        result(store.insert(first));
        result(store.insert(second));
        result(store.insert(aGroupRoom().withMembers(bob).build()));

        assertEquals(List.of(first.id(), second.id()), result(store.findByMember(alice)).stream().map(Room::id).toList());
    }

    @Test
    void addMemberAddsOnceAndTellsWhetherItDid() {
        Room room = aGroupRoom().withMembers(alice).build();
        result(store.insert(room));

        assertTrue(result(store.addMember(room.id(), bob)));
        assertFalse(result(store.addMember(room.id(), bob)));

        Room updated = result(store.findById(room.id())).orElseThrow();
        assertEquals(List.of(alice, bob), updated.members());
        assertEquals(List.of(room.id()), result(store.findByMember(bob)).stream().map(Room::id).toList());
    }

    @Test
    void removeMemberRemovesOnceAndKeepsTheOthersInOrder() {
        UserId carol = new UserId(newId());
        Room room = aGroupRoom().withMembers(alice, bob, carol).build();
        result(store.insert(room));

        assertTrue(result(store.removeMember(room.id(), bob)));
        assertFalse(result(store.removeMember(room.id(), bob)), "removing again changes nothing");
        assertFalse(result(store.removeMember(new RoomId("missing"), bob)));

        assertEquals(List.of(alice, carol), result(store.findById(room.id())).orElseThrow().members());
        assertTrue(result(store.findByMember(bob)).isEmpty());
        assertEquals(List.of(room.id()), result(store.findByMember(carol)).stream().map(Room::id).toList());
        assertEquals(List.of(room.id()), result(store.findGroupRoomsWithout(bob, 50)).stream().map(Room::id).toList(),
                "a group room left is discoverable again");
    }

    @Test
    void aRoomLeftByEveryoneIsKeptAndCanBeRejoined() {
        Room room = aGroupRoom().withMembers(alice).build();
        result(store.insert(room));

        assertTrue(result(store.removeMember(room.id(), alice)));
        assertEquals(List.of(), result(store.findById(room.id())).orElseThrow().members());
        assertTrue(result(store.addMember(room.id(), alice)));
        assertEquals(List.of(alice), result(store.findById(room.id())).orElseThrow().members());
    }

    @Test
    void concurrentRemovalsOfOneMemberAnswerRemovedExactlyOnce() {
        Room room = aGroupRoom().withMembers(alice, bob).build();
        result(store.insert(room));
        List<CompletableFuture<Boolean>> removals = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            removals.add(CompletableFuture.supplyAsync(() -> store.removeMember(room.id(), bob))
                    .thenCompose(CompletionStage::toCompletableFuture));
        }

        assertEquals(1, removals.stream().filter(Await::result).count());
        assertEquals(List.of(alice), result(store.findById(room.id())).orElseThrow().members());
    }

    @Test
    void concurrentAddsOfDifferentMembersAllLand() {
        Room room = aGroupRoom().withMembers(alice).build();
        result(store.insert(room));
        List<UserId> newcomers = new ArrayList<>();
        List<CompletableFuture<Boolean>> adds = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            UserId newcomer = new UserId(newId());
            newcomers.add(newcomer);
            adds.add(CompletableFuture.supplyAsync(() -> store.addMember(room.id(), newcomer))
                    .thenCompose(CompletionStage::toCompletableFuture));
        }
        adds.forEach(Await::result);

        Set<UserId> members = Set.copyOf(result(store.findById(room.id())).orElseThrow().members());
        assertTrue(members.containsAll(newcomers), "every concurrently added member is kept");
        assertEquals(13, members.size());
    }

    @Test
    void concurrentAddsOfOneMemberAnswerAddedExactlyOnce() throws InterruptedException {
        Room room = aGroupRoom().withMembers(alice).build();
        result(store.insert(room));
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<Boolean>> adds = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                adds.add(CompletableFuture.supplyAsync(() -> {
                    awaitQuietly(start);
                    return store.addMember(room.id(), bob);
                }, pool).thenCompose(CompletionStage::toCompletableFuture));
            }
            start.countDown();

            long added = adds.stream().filter(Await::result).count();

            assertEquals(1, added, "of " + threads + " concurrent adds of one member");
            assertEquals(List.of(alice, bob), result(store.findById(room.id())).orElseThrow().members());
        } finally {
            pool.shutdownNow();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void discoveryListsNewestGroupRoomsTheUserIsNotIn() {
        Room old = aGroupRoom().named("old").withMembers(bob).createdAt(Fixtures.now().minusSeconds(30)).build();
        Room newer = aGroupRoom().named("newer").withMembers(bob).createdAt(Fixtures.now().minusSeconds(20)).build();
        Room mine = aGroupRoom().named("mine").withMembers(alice, bob).createdAt(Fixtures.now().minusSeconds(10)).build();
        Room secret = aPrivateRoom().named("secret").withMembers(bob).build();
        for (Room room : List.of(old, newer, mine, secret)) {
            result(store.insert(room));
        }

        assertEquals(List.of("newer", "old"), result(store.findGroupRoomsWithout(alice, 50)).stream().map(Room::name).toList());
        assertEquals(List.of("newer"), result(store.findGroupRoomsWithout(alice, 1)).stream().map(Room::name).toList());
    }

    @Test
    void directRoomOfAPairIsCreatedOnceWhicheverSideAsks() {
        Room fromAlice = aPrivateRoom().directBetween(alice, bob).build();
        Room fromBob = aPrivateRoom().directBetween(bob, alice).build();

        Room first = result(store.findOrInsertDirect(fromAlice));
        Room second = result(store.findOrInsertDirect(fromBob));

        assertEquals(fromAlice.id(), first.id());
        assertEquals(first.id(), second.id());
        assertEquals(1, result(store.findByMember(bob)).size());
    }

    @Test
    void concurrentDirectRoomRequestsYieldOneRoom() {
        List<CompletableFuture<Room>> calls = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Room candidate = i % 2 == 0 ? aPrivateRoom().directBetween(alice, bob).build()
                    : aPrivateRoom().directBetween(bob, alice).build();
            calls.add(CompletableFuture.supplyAsync(() -> store.findOrInsertDirect(candidate))
                    .thenCompose(CompletionStage::toCompletableFuture));
        }
        Set<RoomId> ids = calls.stream().map(call -> result(call).id()).collect(Collectors.toSet());

        assertEquals(1, ids.size());
        assertEquals(1, result(store.findByMember(alice)).size());
    }
}
