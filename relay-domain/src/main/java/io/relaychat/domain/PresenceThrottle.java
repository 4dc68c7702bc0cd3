package io.relaychat.domain;

import io.relaychat.ports.model.RoomEvent.PresenceUpdate;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.out.Scheduler;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Keeps presence traffic in check. Every update carries the whole online set to everyone joined, so a
 * room filling up with n users would otherwise cost n³ bytes on the wire (for 2 000 users, about 100 GB).
 * The first change of a room goes out at once and opens a window; changes within it are collapsed into
 * one update with the latest set at its end, which keeps the window open for more. The window grows with
 * the room: {@code window} per 100 users online, so that a big room's updates, each as big as the room
 * and sent to all of it, come less often. Nothing is sent for a window whose latest set is the one already
 * sent.
 */
final class PresenceThrottle {
    private final Duration window;
    private final Scheduler scheduler;
    /** Sends an update to the room, except to the given connection (which already has it), or to all when null. */
    private final BiConsumer<PresenceUpdate, LiveConnection> send;
    private final Map<RoomId, State> rooms = new HashMap<>();

    private static final class State {
        PresenceUpdate lastSent;
        PresenceUpdate pending;
    }

    PresenceThrottle(Duration window, Scheduler scheduler, BiConsumer<PresenceUpdate, LiveConnection> send) {
        this.window = window;
        this.scheduler = scheduler;
        this.send = send;
    }

    /**
     * The room's online set changed to {@code update}'s; it goes out now (not to {@code informed}, who has
     * it already) or, to everyone, at the end of the window.
     */
    void changed(PresenceUpdate update, LiveConnection informed) {
        synchronized (rooms) {
            State state = rooms.get(update.roomId());
            if (state != null) {
                state.pending = update;
                return;
            }
            state = new State();
            state.lastSent = update;
            rooms.put(update.roomId(), state);
        }
        send.accept(update, informed);
        scheduler.schedule(windowFor(update), () -> windowEnds(update.roomId()));
    }

    private void windowEnds(RoomId roomId) {
        PresenceUpdate next;
        synchronized (rooms) {
            State state = rooms.get(roomId);
            if (state.pending == null || state.pending.equals(state.lastSent)) {
                rooms.remove(roomId);
                return;
            }
            next = state.pending;
            state.pending = null;
            state.lastSent = next;
        }
        send.accept(next, null);
        scheduler.schedule(windowFor(next), () -> windowEnds(roomId));
    }

    private Duration windowFor(PresenceUpdate update) {
        return window.multipliedBy(Math.max(1, (update.onlineUsers().size() + 99) / 100));
    }
}
