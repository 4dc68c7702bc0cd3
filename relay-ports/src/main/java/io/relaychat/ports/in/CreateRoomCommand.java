package io.relaychat.ports.in;

import io.relaychat.ports.model.InvalidCommandException;
import io.relaychat.ports.model.RoomType;
import io.relaychat.ports.model.UserId;

import java.util.List;
import java.util.Objects;

public record CreateRoomCommand(UserId creator, String name, RoomType type, List<UserId> members) {
    public static final int MAX_NAME_LENGTH = 100;

    public CreateRoomCommand {
        Objects.requireNonNull(creator, "creator");
        if (name == null || name.isBlank()) {
            throw new InvalidCommandException("name", "name must not be empty");
        }
        name = name.strip();
        if (name.length() > MAX_NAME_LENGTH) {
            throw new InvalidCommandException("name", "name must be at most " + MAX_NAME_LENGTH + " characters");
        }
        if (type == null) {
            throw new InvalidCommandException("type", "type must be 'group' or 'private'");
        }
        members = members == null ? List.of() : List.copyOf(members);
    }
}
