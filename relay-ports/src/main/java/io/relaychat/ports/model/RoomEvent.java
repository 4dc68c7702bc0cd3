package io.relaychat.ports.model;

import java.util.Map;
import java.util.Objects;

/**
 * Events that concern everyone joined to one room. They are what server nodes exchange on the
 * room event bus, and what clients joined to the room receive.
 */
public sealed interface RoomEvent extends ServerEvent {

    RoomId roomId();

    /** A stored message, in the room's seq order. */
    record MessagePosted(ChatMessage message) implements RoomEvent {
        public MessagePosted {
            Objects.requireNonNull(message, "message");
        }

        @Override
        public RoomId roomId() {
            return message.roomId();
        }
    }

    record UserJoined(RoomId roomId, UserId userId, String username) implements RoomEvent {
    }

    /** Someone is typing; never stored. */
    record Typing(RoomId roomId, UserId userId, String username) implements RoomEvent {
    }

    /** The users with at least one connection joined to the room, by id, with their usernames. */
    record PresenceUpdate(RoomId roomId, Map<UserId, String> onlineUsers) implements RoomEvent {
        public PresenceUpdate {
            onlineUsers = Map.copyOf(onlineUsers);
        }
    }
}
