package io.relaychat.client;

import java.util.Map;

/**
 * Who is online in a followed room: the whole set each time (user id to username), so the latest one is all a
 * client needs to keep. Joins, leaves and disconnects all arrive this way.
 */
public record PresenceUpdate(String roomId, Map<String, String> onlineUsers) implements RelayEvent {
    public PresenceUpdate {
        onlineUsers = onlineUsers == null ? Map.of() : Map.copyOf(onlineUsers);
    }
}
