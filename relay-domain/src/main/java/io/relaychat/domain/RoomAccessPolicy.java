package io.relaychat.domain;

import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomType;
import io.relaychat.ports.model.UserId;

import java.util.Optional;

/**
 * Who may do what in a room, as pure functions of the room (empty when it does not exist) and the user:
 * the services fetch and store, these decide. Wherever membership is required, an unknown room and a room
 * the user is not in are refused alike, so that room ids cannot be probed.
 */
final class RoomAccessPolicy {
    /** What asking to become a member of a room comes to, when it is not refused. */
    enum Admission {
        ALREADY_MEMBER,
        ADMITTED
    }

    private RoomAccessPolicy() {
    }

    /** Receiving a room's live traffic: members only. */
    static Optional<Refusal> toListen(Optional<Room> room, UserId user) {
        return isMember(room, user) ? Optional.empty() : Optional.of(Refusal.notMemberOfRoomToJoin());
    }

    /** Posting a message to a room: members only. */
    static Optional<Refusal> toPost(Optional<Room> room, UserId user) {
        return membersOnly(room, user);
    }

    /** Reading a room's history: members only. */
    static Optional<Refusal> toRead(Optional<Room> room, UserId user) {
        return membersOnly(room, user);
    }

    /** Adding someone to a room: any member may, in group and private rooms alike. */
    static Optional<Refusal> toAddMembers(Optional<Room> room, UserId actor) {
        return membersOnly(room, actor);
    }

    /** Leaving a room: members only, in any room, a direct-message room too. */
    static Optional<Refusal> toLeave(Optional<Room> room, UserId user) {
        return membersOnly(room, user);
    }

    /**
     * Joining a room by asking: anyone may join a group room; a private room (a direct-message room is one)
     * takes members only by a member adding them. Here the room's existence is no secret: discovery lists
     * group rooms, and a member shares a room's id.
     */
    static Outcome<Admission> toBecomeMember(Optional<Room> room, UserId user) {
        if (room.isEmpty()) {
            return Outcome.rejected(Refusal.roomNotFound());
        }
        if (room.get().hasMember(user)) {
            return Outcome.accepted(Admission.ALREADY_MEMBER);
        }
        if (room.get().type() == RoomType.PRIVATE) {
            return Outcome.rejected(Refusal.privateRoom());
        }
        return Outcome.accepted(Admission.ADMITTED);
    }

    /** A direct-message room is between two different users. */
    static Optional<Refusal> toOpenDirectRoom(UserId caller, UserId peer) {
        return caller.equals(peer) ? Optional.of(Refusal.selfDirectMessage()) : Optional.empty();
    }

    private static Optional<Refusal> membersOnly(Optional<Room> room, UserId user) {
        return isMember(room, user) ? Optional.empty() : Optional.of(Refusal.notMember());
    }

    private static boolean isMember(Optional<Room> room, UserId user) {
        return room.isPresent() && room.get().hasMember(user);
    }
}
