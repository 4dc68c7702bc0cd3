package io.relaychat.ports.in;

import io.relaychat.ports.model.User;

/** A bearer token and the user it belongs to. */
public record SignedIn(String accessToken, User user) {
}
