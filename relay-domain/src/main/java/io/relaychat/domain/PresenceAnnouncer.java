package io.relaychat.domain;

import io.relaychat.ports.model.RoomEvent.PresenceUpdate;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.User;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.PresencePort;
import io.relaychat.ports.out.RoomPresence;
import io.relaychat.ports.out.Scheduler;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Keeps each room told who is online in it: enters and leaves presence for this node's connections and
 * announces every change of a room's online set, throttled by {@link PresenceThrottle}.
 */
final class PresenceAnnouncer {
    private final PresencePort presence;
    private final RoomRouter router;
    private final Faults faults;
    private final PresenceThrottle throttle;

    PresenceAnnouncer(PresencePort presence, RoomRouter router, Limits limits,
                      Scheduler scheduler, Faults faults) {
        this.presence = presence;
        this.router = router;
        this.faults = faults;
        this.throttle = new PresenceThrottle(limits.presenceWindow(), scheduler, this::send);
    }

    /**
     * Enters the connection into the room's presence. Presence that cannot be reached must not keep anyone
     * out of a room: the joiner then goes on knowing only of itself, and the others hear of the join without
     * a presence update.
     */
    CompletionStage<RoomPresence> enter(LiveConnection connection, RoomId roomId) {
        User user = connection.user();
        return presence.enter(roomId, connection.id(), user.id(), user.username()).exceptionally(error -> {
            faults.report(error);
            return new RoomPresence(Map.of(user.id(), user.username()), false);
        });
    }

    CompletionStage<Void> exit(LiveConnection connection, RoomId roomId) {
        return presence.exit(roomId, connection.id())
                .thenAccept(left -> announce(roomId, left, null))
                .exceptionally(faults::report);
    }

    /** Who is online in the room; only the connection's own user, as for {@link #enter}, when presence cannot say. */
    CompletionStage<Map<UserId, String>> onlineAsSeenBy(LiveConnection connection, RoomId roomId) {
        User user = connection.user();
        return presence.online(roomId).exceptionally(error -> {
            faults.report(error);
            return Map.of(user.id(), user.username());
        });
    }

    /** Announces the room's online set after a change, if it changed; {@code informed} has been told already. */
    void announce(RoomId roomId, RoomPresence after, LiveConnection informed) {
        if (after.changed()) {
            throttle.changed(new PresenceUpdate(roomId, after.online()), informed);
        }
    }

    /** Presence forgot a vanished node's connections in the room. */
    void expired(RoomId roomId, Map<UserId, String> online) {
        announce(roomId, new RoomPresence(online, true), null);
    }

    private void send(PresenceUpdate update, LiveConnection informed) {
        router.announce(update, connection -> connection == informed);
    }
}
