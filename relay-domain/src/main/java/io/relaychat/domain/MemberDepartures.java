package io.relaychat.domain;

import io.relaychat.ports.model.RoomEvent.MemberLeft;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.RoomEventBus;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Carries a member's leaving to everything that still believes them a member: this node's membership cache, the
 * user's connections joined to the room here (each leaves it, which tells the room's presence), and the other
 * nodes, told on the room's channel, which do the same with theirs.
 */
final class MemberDepartures {
    private final RoomDirectory directory;
    private final LocalConnections connections;
    private final RoomEventBus bus;
    private final Faults faults;
    /**
     * Leavings published while the bus was down, which the nodes that stayed connected never heard (they have no
     * reason to re-read anything): said again once the bus is back. One per room and user at most.
     */
    private final Set<MemberLeft> unpublished = ConcurrentHashMap.newKeySet();

    MemberDepartures(RoomDirectory directory, LocalConnections connections, RoomEventBus bus, Faults faults) {
        this.directory = directory;
        this.connections = connections;
        this.bus = bus;
        this.faults = faults;
    }

    /**
     * The store no longer lists the user in the room. Completes once every connection of theirs on this node has
     * left the room, so that nothing sent to it after the answer reaches them here.
     */
    CompletionStage<Void> left(RoomId roomId, UserId userId) {
        directory.forget(roomId);
        publish(new MemberLeft(roomId, userId));
        return detachConnections(roomId, userId);
    }

    /**
     * Another node says a member left. The store has the last word: a leaving heard late, or said again after an
     * outage, may come after the user joined again.
     */
    void heard(MemberLeft event) {
        directory.forget(event.roomId());
        if (!connections.of(event.userId()).isEmpty()) {
            detachUnlessMember(event.roomId(), Set.of(event.userId()));
        }
    }

    /**
     * The bus is back. Leavings may have gone unheard meanwhile: every room is read from the store again, for the
     * cache and for the users joined here ({@code joined}, by room), whose connections leave the rooms they are no
     * longer members of. And leavings may have gone unsaid: they are said again.
     */
    void busResumed(Map<RoomId, Set<UserId>> joined) {
        directory.forgetAll();
        joined.forEach(this::detachUnlessMember);
        for (MemberLeft event : List.copyOf(unpublished)) {
            if (unpublished.remove(event)) {
                publish(event);
            }
        }
    }

    /**
     * The bus heard these rooms again after missing them for a while, and leavings in them may have gone unheard: they
     * are read from the store again, and the users joined here ({@code joined}, by room) leave those they are no
     * longer members of.
     */
    void roomsResumed(Map<RoomId, Set<UserId>> joined) {
        joined.keySet().forEach(directory::forget);
        joined.forEach(this::detachUnlessMember);
    }

    private void publish(MemberLeft event) {
        if (!bus.isAvailable()) {
            unpublished.add(event);
        }
        bus.publish(event).whenComplete((done, error) -> {
            if (error != null) {
                faults.report(error);
            }
            if (error != null || !bus.isAvailable()) {
                unpublished.add(event);
            }
        });
    }

    /** The connections of those of {@code users} whom the store no longer lists in the room leave it. */
    private void detachUnlessMember(RoomId roomId, Set<UserId> users) {
        directory.find(roomId).whenComplete((room, error) -> {
            if (error != null) {
                faults.report(error);
                return;
            }
            users.stream().filter(user -> room.isEmpty() || !room.get().hasMember(user))
                    .forEach(user -> detachConnections(roomId, user));
        });
    }

    /**
     * Each connection leaves in its own turn, after the requests it had queued: a join of the room queued before
     * is undone, and one queued after is refused, since the cache was forgotten first.
     */
    private CompletionStage<Void> detachConnections(RoomId roomId, UserId userId) {
        CompletableFuture<?>[] leaving = connections.of(userId).stream()
                .map(connection -> connection.leave(roomId).toCompletableFuture()
                        .exceptionally(error -> null)) // closed meanwhile: its close leaves every room
                .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(leaving);
    }
}
