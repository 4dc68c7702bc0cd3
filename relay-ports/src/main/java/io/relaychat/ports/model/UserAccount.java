package io.relaychat.ports.model;

import java.util.Objects;

/** What a user store keeps: the public user plus the password hash, which never leaves the core. */
public record UserAccount(User user, String passwordHash) {
    public UserAccount {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(passwordHash, "passwordHash");
    }

    @Override
    public String toString() {
        return "UserAccount[user=" + user + ", passwordHash=<hidden>]";
    }
}
