package io.relaychat.ports.in;

import io.relaychat.ports.model.InvalidCommandException;
import io.relaychat.ports.model.RoomType;
import io.relaychat.ports.model.UserId;

import java.util.List;

/** A room a trusted backend creates: no user creates it, so only {@code members} are in it. */
public record ServerRoomCommand(String name, RoomType type, List<UserId> members) {
    public ServerRoomCommand {
        if (name == null || name.isBlank()) {
            throw new InvalidCommandException("name", "name must not be empty");
        }
        name = name.strip();
        if (name.length() > CreateRoomCommand.MAX_NAME_LENGTH) {
            throw new InvalidCommandException("name",
                    "name must be at most " + CreateRoomCommand.MAX_NAME_LENGTH + " characters");
        }
        if (type == null) {
            throw new InvalidCommandException("type", "type must be 'group' or 'private'");
        }
        members = members == null ? List.of() : List.copyOf(members);
        if (members.size() > ServerApiUseCase.MAX_MEMBERS_PER_CALL) {
            throw new InvalidCommandException("members",
                    "field 'members' must list at most " + ServerApiUseCase.MAX_MEMBERS_PER_CALL + " user ids");
        }
    }
}
