package io.relaychat.ports.model;

import java.time.Instant;
import java.util.Objects;

/** A user as anyone may see it. Never carries a password hash: that lives in {@link UserAccount}. */
public record User(UserId id, String email, String username, Instant createdAt) {
    public User {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
