package io.relaychat.domain;

import io.relaychat.ports.in.ClusterEvents;
import io.relaychat.ports.model.Appended;
import io.relaychat.ports.model.NewMessage;
import io.relaychat.ports.model.RoomEvent;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/** What other nodes tell this one, each handed to the part of the core whose job it is. */
final class ClusterInbox implements ClusterEvents {
    private final RoomRouter router;
    private final MessageSending sending;
    private final PresenceAnnouncer presence;

    ClusterInbox(RoomRouter router, MessageSending sending, PresenceAnnouncer presence) {
        this.router = router;
        this.sending = sending;
        this.presence = presence;
    }

    @Override
    public void published(RoomEvent event) {
        router.received(event);
    }

    @Override
    public void busResumed() {
        router.busResumed();
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
