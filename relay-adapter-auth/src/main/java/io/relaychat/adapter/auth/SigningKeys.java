package io.relaychat.adapter.auth;

import com.auth0.jwt.algorithms.Algorithm;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Where the identity provider's keys come from: one configured key, or its JWKS. */
interface SigningKeys extends AutoCloseable {
    /** The key a token's {@code kid} names (null: the token names none), if held now; never waits. */
    Optional<Algorithm> held(String kid);

    /**
     * Looks again for a key not held, off the caller's thread. Empty when the source has no such key; fails with
     * {@link io.relaychat.ports.model.StorageUnavailableException} when the source cannot be reached.
     */
    CompletionStage<Optional<Algorithm>> lookUp(String kid);

    @Override
    void close();

    /** One key from a PEM file: whatever the token's {@code kid}, this is the key. */
    static SigningKeys of(Algorithm key) {
        return new SigningKeys() {
            @Override
            public Optional<Algorithm> held(String kid) {
                return Optional.of(key);
            }

            @Override
            public CompletionStage<Optional<Algorithm>> lookUp(String kid) {
                return CompletableFuture.completedFuture(Optional.of(key));
            }

            @Override
            public void close() {
            }
        };
    }
}
