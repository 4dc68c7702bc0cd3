package io.relaychat.adapter.auth;

import io.relaychat.ports.model.VerifiedToken;
import io.relaychat.ports.out.TokenVerifier;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The tokens the server takes: its own (HS256, while local accounts are on) and the identity provider's, each
 * checked by its own verifier. The server's own are asked first since they answer at once; a token either refuses
 * goes to the next, so neither can take a token meant for the other under its weaker rule (each checks the
 * algorithm its key fixes).
 */
public final class AcceptedTokens implements TokenVerifier {
    private final Optional<TokenVerifier> own;
    private final Optional<TokenVerifier> identityProvider;

    public AcceptedTokens(Optional<TokenVerifier> own, Optional<TokenVerifier> identityProvider) {
        this.own = Objects.requireNonNull(own, "own");
        this.identityProvider = Objects.requireNonNull(identityProvider, "identityProvider");
        if (own.isEmpty() && identityProvider.isEmpty()) {
            throw new IllegalArgumentException("no token would be accepted: give the server's own or an identity provider");
        }
    }

    @Override
    public CompletionStage<Optional<VerifiedToken>> verify(String token) {
        CompletionStage<Optional<VerifiedToken>> first = own.isPresent() ? own.get().verify(token)
                : CompletableFuture.completedFuture(Optional.empty());
        return identityProvider.isEmpty() ? first
                : first.thenCompose(found -> found.isPresent() ? CompletableFuture.completedFuture(found)
                        : identityProvider.get().verify(token));
    }
}
