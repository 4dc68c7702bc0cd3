package io.relaychat.ports.out;

import io.relaychat.ports.model.UserId;

import java.util.Map;

/** The online users of a room after a presence change, and whether that set changed at all. */
public record RoomPresence(Map<UserId, String> online, boolean changed) {
    public RoomPresence {
        online = Map.copyOf(online);
    }
}
