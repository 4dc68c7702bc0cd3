package io.relaychat.domain;

import io.relaychat.ports.in.ClusterEvents;
import io.relaychat.ports.model.Appended;
import io.relaychat.ports.model.NewMessage;
import io.relaychat.ports.model.RoomEvent;
import io.relaychat.ports.model.RoomEvent.MemberLeft;
import io.relaychat.ports.model.RoomEvent.UserDisconnected;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/** What other nodes tell this one, each handed to the part of the core whose job it is. */
final class ClusterInbox implements ClusterEvents {
    private final RoomRouter router;
    private final MessageSending sending;
    private final PresenceAnnouncer presence;
    private final MemberDepartures departures;
    private final UserDisconnects disconnects;

    ClusterInbox(RoomRouter router, MessageSending sending, PresenceAnnouncer presence, MemberDepartures departures,
                 UserDisconnects disconnects) {
        this.disconnects = disconnects;
        this.router = router;
        this.sending = sending;
        this.presence = presence;
        this.departures = departures;
    }

    @Override
    public void published(RoomEvent event) {
        if (event instanceof MemberLeft left) {
            departures.heard(left);
        } else if (event instanceof UserDisconnected disconnected) {
            disconnects.heard(disconnected);
        } else {
            router.received(event);
        }
    }

    @Override
    public void busResumed() {
        departures.busResumed(router.joinedUsers());
        router.busResumed();
    }

    @Override
    public void roomsResumed(Set<RoomId> rooms) {
        departures.roomsResumed(router.joinedUsers(rooms));
        router.roomsResumed(rooms);
    }

    @Override
    public CompletionStage<Appended> forwarded(NewMessage message) {
        return sending.storeHere(message);
    }

    @Override
    public void presenceExpired(RoomId roomId, Map<UserId, String> online) {
        presence.expired(roomId, online);
    }
}
