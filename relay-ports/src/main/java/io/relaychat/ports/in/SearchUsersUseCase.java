package io.relaychat.ports.in;

import io.relaychat.ports.model.User;

import java.util.List;
import java.util.concurrent.CompletionStage;

public interface SearchUsersUseCase {
    int MAX_RESULTS = 20;
    int MIN_QUERY_LENGTH = 2;

    /**
     * Users whose username or email contains {@code query} as a literal, ignoring case; at most
     * {@link #MAX_RESULTS}. Empty for a query shorter than {@link #MIN_QUERY_LENGTH}.
     */
    CompletionStage<List<User>> search(String query);
}
