package io.relaychat.ports.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A chat room. {@code directKey} is set only on direct-message rooms: it names the unordered pair of
 * users, so a store can keep exactly one such room per pair.
 */
public record Room(RoomId id, String name, RoomType type, List<UserId> members, Instant createdAt,
                   UserId createdBy, String directKey) {
    public Room {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        members = List.copyOf(members);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(createdBy, "createdBy");
    }

    public boolean hasMember(UserId userId) {
        return members.contains(userId);
    }

    public boolean isDirect() {
        return directKey != null;
    }

    /** The key of the direct-message room between two users, the same whichever of them asks. */
    public static String directKeyOf(UserId a, UserId b) {
        return a.value().compareTo(b.value()) <= 0 ? a.value() + "|" + b.value() : b.value() + "|" + a.value();
    }
}
