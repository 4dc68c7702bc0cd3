package io.relaychat.ports.in;

import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.User;
import io.relaychat.ports.model.UserId;

import java.util.List;
import java.util.concurrent.CompletionStage;

public interface SearchUsersUseCase {
    int MAX_RESULTS = 20;
    int MIN_QUERY_LENGTH = 2;

    /**
     * Users whose username or email contains {@code query} as a literal, ignoring case; at most
     * {@link #MAX_RESULTS}. Empty for a query shorter than {@link #MIN_QUERY_LENGTH}. Refused with
     * RATE_LIMITED when {@code caller} searches more often than allowed.
     */
    CompletionStage<Outcome<List<User>>> search(UserId caller, String query);
}
