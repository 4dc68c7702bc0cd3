package io.relaychat.ports.out;

import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;

import java.time.Instant;
import java.util.Objects;

/**
 * Told what happens in rooms, for systems outside the chat (outgoing webhooks): a message stored, a room created, a
 * member added or gone. Each event is told once in a cluster, by the node where it happened (the node that stored the
 * message, the node that answered the request), never by the nodes that hear of it from another.
 * <p>
 * Called on the paths that deliver chat (a store's completion thread, an event loop), in the order things happened
 * in each room on this node, the room's messages by seq (of those this node stored, whose seqs may have holes: a
 * seq taken by another node or by a failed insert): an implementation takes the event and returns at once, never
 * waiting for I/O or a lock held across I/O, and never throws.
 */
@FunctionalInterface
public interface RoomActivity {
    /** Tells no one: a core without webhooks. */
    RoomActivity NONE = event -> { };

    void happened(Event event);

    /** Something that happened in one room, at {@link #at()} on the core's clock. */
    sealed interface Event {
        RoomId roomId();

        Instant at();
    }

    /** A message stored for the first time (a client's retry of it is not told again). */
    record MessagePosted(ChatMessage message) implements Event {
        public MessagePosted {
            Objects.requireNonNull(message, "message");
        }

        @Override
        public RoomId roomId() {
            return message.roomId();
        }

        @Override
        public Instant at() {
            return message.timestamp();
        }
    }

    /** A room stored, with its first members: a group or private room, or the first direct room of two users. */
    record RoomCreated(Room room) implements Event {
        public RoomCreated {
            Objects.requireNonNull(room, "room");
        }

        @Override
        public RoomId roomId() {
            return room.id();
        }

        @Override
        public Instant at() {
            return room.createdAt();
        }
    }

    /** {@code userId} became a member, added by {@code by} (themself when they joined). */
    record MemberAdded(RoomId roomId, UserId userId, UserId by, Instant at) implements Event {
        public MemberAdded {
            Objects.requireNonNull(roomId, "roomId");
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(by, "by");
            Objects.requireNonNull(at, "at");
        }
    }

    /** {@code userId} is no longer a member, removed by {@code by} (themself when they left). */
    record MemberRemoved(RoomId roomId, UserId userId, UserId by, Instant at) implements Event {
        public MemberRemoved {
            Objects.requireNonNull(roomId, "roomId");
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(by, "by");
            Objects.requireNonNull(at, "at");
        }
    }
}
