package io.relaychat.ports.in;

import io.relaychat.ports.model.User;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

public interface AuthenticateUseCase {
    /** The user a bearer token stands for; empty when the token is missing, forged, expired or the user is gone. */
    CompletionStage<Optional<User>> authenticate(String bearerToken);
}
