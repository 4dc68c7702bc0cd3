package io.relaychat.client;

import java.time.Instant;
import java.util.List;

/** A room as REST answers it: {@code type} is {@code group} (anyone may join) or {@code private} (members add members). */
public record Room(String id, String name, String type, List<String> members, Instant createdAt) {
    public static final String GROUP = "group";
    public static final String PRIVATE = "private";

    public Room {
        members = members == null ? List.of() : List.copyOf(members);
    }
}
