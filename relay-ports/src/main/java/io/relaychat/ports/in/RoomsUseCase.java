package io.relaychat.ports.in;

import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.User;
import io.relaychat.ports.model.UserId;

import java.util.List;
import java.util.concurrent.CompletionStage;

/** Creating rooms, finding them, and changing who is a member. */
public interface RoomsUseCase {
    int DISCOVER_LIMIT = 50;

    /**
     * The creator is always a member; unknown member ids are dropped. Refused with INVALID_FIELD for more
     * members than allowed, RATE_LIMITED when the creator creates rooms more often than allowed.
     */
    CompletionStage<Outcome<Room>> createRoom(CreateRoomCommand command);

    CompletionStage<List<Room>> roomsOf(UserId userId);

    /** The newest group rooms the user is not in, at most {@link #DISCOVER_LIMIT}. */
    CompletionStage<List<Room>> discover(UserId userId);

    /** Become a member of a group room. Refused with NOT_FOUND for no such room, ACCESS_DENIED for a private one. */
    CompletionStage<Outcome<Membership>> joinRoom(UserId userId, RoomId roomId);

    /**
     * Stop being a member: the room leaves the user's list and every connection of theirs stops receiving it, on
     * every node. A room left empty is kept. Refused with NOT_MEMBER for a non-member or no such room (alike),
     * RATE_LIMITED when the user joins and leaves more often than allowed.
     */
    CompletionStage<Outcome<RoomId>> leaveRoom(UserId userId, RoomId roomId);

    /** A member adds someone by email. Refused with NOT_MEMBER if the actor is not a member, NOT_FOUND for no such user. */
    CompletionStage<Outcome<User>> addMember(UserId actor, RoomId roomId, String email);

    /**
     * The one private room of exactly these two users, created on the first call from either side; a caller
     * who had left it is a member again (the other user is not brought back). {@code identifier} is the other
     * user's email or username. Refused with NOT_FOUND for no such user, SELF_DIRECT_MESSAGE for the caller themself.
     */
    CompletionStage<Outcome<Room>> openDirectRoom(UserId caller, String identifier);

    record Membership(Room room, boolean alreadyMember) {
    }
}
