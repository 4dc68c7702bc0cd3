package io.relaychat.ports.out;

import io.relaychat.ports.model.UserId;

import java.util.Optional;

public interface TokenVerifier {
    /** The user a token was issued to; empty if it is malformed, forged or expired. */
    Optional<UserId> verify(String token);
}
