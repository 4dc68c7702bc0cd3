package io.relaychat.ports.model;

import java.util.Objects;

/**
 * What a user store keeps: the public user plus the password hash, which never leaves the core. A user who signs in
 * through the identity provider has {@link #NO_PASSWORD} instead: no password matches it.
 */
public record UserAccount(User user, String passwordHash) {
    /** Not the shape of any hash, so no hasher can match it (as {@code !} in a Unix shadow file). */
    public static final String NO_PASSWORD = "!";

    public UserAccount {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(passwordHash, "passwordHash");
    }

    /** An account that signs in elsewhere and has no password here. */
    public static UserAccount withoutPassword(User user) {
        return new UserAccount(user, NO_PASSWORD);
    }

    public boolean hasPassword() {
        return !NO_PASSWORD.equals(passwordHash);
    }

    @Override
    public String toString() {
        return "UserAccount[user=" + user + ", passwordHash=<hidden>]";
    }
}
