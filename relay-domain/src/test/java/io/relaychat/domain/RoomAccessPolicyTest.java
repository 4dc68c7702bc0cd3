package io.relaychat.domain;

import io.relaychat.domain.RoomAccessPolicy.Admission;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Reason;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.UserId;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static io.relaychat.testkit.Fixtures.aGroupRoom;
import static io.relaychat.testkit.Fixtures.aPrivateRoom;
import static io.relaychat.testkit.Fixtures.newId;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The membership rules as the pure functions they are: no store, no core, just rooms and users. */
class RoomAccessPolicyTest {
    private final UserId ann = new UserId(newId());
    private final UserId bob = new UserId(newId());
    private final Optional<Room> annsGroup = Optional.of(aGroupRoom().withMembers(ann).build());
    private final Optional<Room> annsPrivateRoom = Optional.of(aPrivateRoom().withMembers(ann).build());
    private final Optional<Room> noRoom = Optional.empty();

    @Test
    void membersMayListenPostReadAndAddMembers() {
        assertEquals(Optional.empty(), RoomAccessPolicy.toListen(annsGroup, ann));
        assertEquals(Optional.empty(), RoomAccessPolicy.toPost(annsGroup, ann));
        assertEquals(Optional.empty(), RoomAccessPolicy.toRead(annsPrivateRoom, ann));
        assertEquals(Optional.empty(), RoomAccessPolicy.toAddMembers(annsPrivateRoom, ann));
    }

    @Test
    void aNonMemberMayNotListenPostReadOrAddMembersEvenInAGroupRoom() {
        assertEquals(Optional.of(Refusal.notMemberOfRoomToJoin()), RoomAccessPolicy.toListen(annsGroup, bob));
        assertEquals(Optional.of(Refusal.notMember()), RoomAccessPolicy.toPost(annsGroup, bob));
        assertEquals(Optional.of(Refusal.notMember()), RoomAccessPolicy.toRead(annsGroup, bob));
        assertEquals(Optional.of(Refusal.notMember()), RoomAccessPolicy.toAddMembers(annsGroup, bob));
    }

    @Test
    void anUnknownRoomIsRefusedExactlyAsARoomOneIsNotIn() {
        assertEquals(RoomAccessPolicy.toListen(annsGroup, bob), RoomAccessPolicy.toListen(noRoom, bob));
        assertEquals(RoomAccessPolicy.toPost(annsGroup, bob), RoomAccessPolicy.toPost(noRoom, bob));
        assertEquals(RoomAccessPolicy.toRead(annsGroup, bob), RoomAccessPolicy.toRead(noRoom, bob));
        assertEquals(Reason.NOT_MEMBER, RoomAccessPolicy.toPost(noRoom, ann).orElseThrow().reason());
    }

    @Test
    void anyoneMayJoinAGroupRoomByAskingButNotAPrivateOne() {
        assertEquals(Outcome.accepted(Admission.ADMITTED), RoomAccessPolicy.toBecomeMember(annsGroup, bob));
        assertEquals(Outcome.rejected(Refusal.privateRoom()), RoomAccessPolicy.toBecomeMember(annsPrivateRoom, bob));
    }

    @Test
    void askingToJoinARoomOneIsInSaysSoAndAnUnknownRoomIsNotFound() {
        assertEquals(Outcome.accepted(Admission.ALREADY_MEMBER), RoomAccessPolicy.toBecomeMember(annsPrivateRoom, ann));
        assertEquals(Outcome.rejected(Refusal.roomNotFound()), RoomAccessPolicy.toBecomeMember(noRoom, ann));
    }

    @Test
    void aDirectMessageRoomIsBetweenTwoDifferentUsers() {
        assertEquals(Optional.empty(), RoomAccessPolicy.toOpenDirectRoom(ann, bob));
        assertEquals(Optional.of(Refusal.selfDirectMessage()), RoomAccessPolicy.toOpenDirectRoom(ann, ann));
    }
}
