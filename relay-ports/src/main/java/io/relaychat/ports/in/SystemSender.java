package io.relaychat.ports.in;

import io.relaychat.ports.model.InvalidCommandException;
import io.relaychat.ports.model.UserId;

import java.util.regex.Pattern;

/**
 * The named sender a trusted backend posts as: never a user, always told apart from one by its user id,
 * {@code system:} and the name (no user id has that prefix: local users' are UUIDs, an identity provider's
 * start {@code idp:}). {@code username} is what members see beside the message.
 */
public record SystemSender(String name, String username) {
    public static final String ID_PREFIX = "system:";
    public static final int MAX_NAME_LENGTH = 64;
    public static final int MAX_USERNAME_LENGTH = 64;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_NAME_LENGTH + "}");

    public SystemSender {
        if (username == null || username.isBlank()) {
            throw new InvalidCommandException("sender.username", "sender.username must not be empty");
        }
        username = username.strip();
        if (username.length() > MAX_USERNAME_LENGTH) {
            throw new InvalidCommandException("sender.username",
                    "sender.username must be at most " + MAX_USERNAME_LENGTH + " characters");
        }
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidCommandException("sender.id", "sender.id must be 1 to " + MAX_NAME_LENGTH
                    + " letters, digits, '.', '_' or '-'");
        }
    }

    /**
     * {@code id}, or for a backend that names its sender once, an id made of the username: lower case, each
     * character a name may not have turned into '-' ("Order bot" is {@code system:order-bot}).
     */
    public static SystemSender named(String id, String username) {
        if (id == null && username != null) {
            String slug = username.strip().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
            id = slug.length() > MAX_NAME_LENGTH ? slug.substring(0, MAX_NAME_LENGTH) : slug;
        }
        return new SystemSender(id, username);
    }

    public UserId userId() {
        return new UserId(ID_PREFIX + name);
    }
}
