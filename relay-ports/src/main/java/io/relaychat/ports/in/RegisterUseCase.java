package io.relaychat.ports.in;

import io.relaychat.ports.model.Outcome;

import java.util.concurrent.CompletionStage;

public interface RegisterUseCase {
    /** Refused with EMAIL_TAKEN "Email already registered" when the email is taken, in any letter case. */
    CompletionStage<Outcome<SignedIn>> register(RegisterCommand command);
}
