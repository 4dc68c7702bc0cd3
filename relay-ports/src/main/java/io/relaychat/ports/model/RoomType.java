package io.relaychat.ports.model;

import java.util.Optional;

/** Group rooms can be discovered and joined; private rooms only by being added. */
public enum RoomType {
    GROUP("group"),
    PRIVATE("private");

    private final String wireName;

    RoomType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<RoomType> fromWireName(String name) {
        for (RoomType type : values()) {
            if (type.wireName.equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
