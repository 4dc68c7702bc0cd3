package io.relaychat.ports.out;

import io.relaychat.ports.model.User;
import io.relaychat.ports.model.UserAccount;
import io.relaychat.ports.model.UserId;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** Accounts by id, email and username. Emails are compared ignoring case. */
public interface UserStore {
    /** Stores the account unless its email is taken (in any letter case); true when stored. Atomic. */
    CompletionStage<Boolean> insertIfEmailFree(UserAccount account);

    CompletionStage<Optional<User>> findById(UserId id);

    CompletionStage<Optional<UserAccount>> findAccountByEmail(String email);

    /** Exact, case-sensitive username match; the oldest account when several share it. */
    CompletionStage<Optional<User>> findByUsername(String username);

    /** Users whose username or email contains {@code text} literally, ignoring case, at most {@code limit}. */
    CompletionStage<List<User>> search(String text, int limit);
}
