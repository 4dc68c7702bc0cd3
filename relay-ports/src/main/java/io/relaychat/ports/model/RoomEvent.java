package io.relaychat.ports.model;

import java.util.Map;
import java.util.Objects;

/**
 * Events that concern everyone joined to one room. They are what server nodes exchange on the
 * room event bus, and what clients joined to the room receive; {@link MemberLeft} and
 * {@link UserDisconnected} are for nodes only.
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

    /**
     * A member left the room: every node drops what it remembers of the room's members and detaches the user's
     * connections from it. Nodes tell each other; clients hear of it as a {@link PresenceUpdate} without them.
     */
    record MemberLeft(RoomId roomId, UserId userId) implements RoomEvent {
        public MemberLeft {
            Objects.requireNonNull(roomId, "roomId");
            Objects.requireNonNull(userId, "userId");
        }
    }

    /**
     * A trusted backend disconnected the user: every node closes the user's connections. Published on one room
     * that is no chat room ({@code roomId}: the channel every node listens on for such events).
     */
    record UserDisconnected(RoomId roomId, UserId userId) implements RoomEvent {
        public UserDisconnected {
            Objects.requireNonNull(roomId, "roomId");
            Objects.requireNonNull(userId, "userId");
        }
    }

    /** The users with at least one connection joined to the room, by id, with their usernames. */
    record PresenceUpdate(RoomId roomId, Map<UserId, String> onlineUsers) implements RoomEvent {
        public PresenceUpdate {
            onlineUsers = Map.copyOf(onlineUsers);
        }
    }
}
