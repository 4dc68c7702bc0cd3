package io.relaychat.ports.out;

import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

public interface RoomStore {
    CompletionStage<Void> insert(Room room);

    CompletionStage<Optional<Room>> findById(RoomId id);

    /** Rooms the user is a member of, oldest first. */
    CompletionStage<List<Room>> findByMember(UserId member);

    /** Group rooms the user is not a member of, newest first, at most {@code limit}. */
    CompletionStage<List<Room>> findGroupRoomsWithout(UserId user, int limit);

    /** Adds the member if absent; true when added, false when already a member. Atomic. */
    CompletionStage<Boolean> addMember(RoomId roomId, UserId member);

    /**
     * Removes the member if present, keeping the order of the others; true when removed, false when not a
     * member (or no such room). Atomic. A room left empty stays, with its history.
     */
    CompletionStage<Boolean> removeMember(RoomId roomId, UserId member);

    /**
     * The room with {@code candidate}'s direct key, inserting {@code candidate} if there is none.
     * Atomic: concurrent calls for one pair yield one room.
     */
    CompletionStage<Room> findOrInsertDirect(Room candidate);
}
