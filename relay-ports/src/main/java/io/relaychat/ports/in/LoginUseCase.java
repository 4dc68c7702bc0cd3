package io.relaychat.ports.in;

import io.relaychat.ports.model.Outcome;

import java.util.concurrent.CompletionStage;

public interface LoginUseCase {
    /** Refused with INVALID_CREDENTIALS "Incorrect email or password", never saying which of the two was wrong. */
    CompletionStage<Outcome<SignedIn>> login(LoginCommand command);
}
