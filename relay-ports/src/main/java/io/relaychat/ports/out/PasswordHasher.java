package io.relaychat.ports.out;

import java.util.concurrent.CompletionStage;

/** Deliberately slow hashing: implementations run it off the caller's thread, on a bounded pool. */
public interface PasswordHasher {
    CompletionStage<String> hash(String password);

    /** False, never an exception, for a malformed hash. */
    CompletionStage<Boolean> matches(String password, String hash);
}
