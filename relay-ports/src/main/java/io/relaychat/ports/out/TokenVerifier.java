package io.relaychat.ports.out;

import io.relaychat.ports.model.VerifiedToken;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Checks bearer tokens. A check may need to look something up over the network (an identity provider's keys), so
 * it answers later; a verifier that needs nothing it does not hold answers with a stage already complete, and must
 * never block the caller's thread, which may be an event loop.
 */
public interface TokenVerifier {
    /**
     * Who the token speaks for; empty if it is malformed, forged, expired or meant for someone else. Fails (with
     * {@link io.relaychat.ports.model.StorageUnavailableException}) only when the token could not be checked at
     * all, such as when the keys it needs cannot be fetched; never throws.
     */
    CompletionStage<Optional<VerifiedToken>> verify(String token);
}
