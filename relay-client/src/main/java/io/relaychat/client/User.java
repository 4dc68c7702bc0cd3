package io.relaychat.client;

import java.time.Instant;

/** A user as REST answers it; {@code createdAt} is null in the short form login and register answer with. */
public record User(String id, String email, String username, Instant createdAt) {
}
