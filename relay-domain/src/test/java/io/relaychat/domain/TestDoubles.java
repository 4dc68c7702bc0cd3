package io.relaychat.domain;

import io.relaychat.ports.model.Blob;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.BlobStore;
import io.relaychat.ports.out.PasswordHasher;
import io.relaychat.ports.out.TokenIssuer;
import io.relaychat.ports.out.TokenVerifier;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fast stand-ins for the ports the rules need but whose cost they do not: hashing, tokens and blobs. Each
 * passes the same contract test as the real adapter (see {@code TestDoublesContractsTest}), so the domain's
 * tests cannot pass on a double that behaves unlike the real thing.
 */
final class TestDoubles {
    private TestDoubles() {
    }

    /** Salted and instant: the rules need a hasher, not bcrypt's cost. */
    static final class QuickHasher implements PasswordHasher {
        @Override
        public CompletionStage<String> hash(String password) {
            String salt = UUID.randomUUID().toString().substring(0, 8);
            return CompletableFuture.completedFuture(salt + ":" + (salt + password).hashCode());
        }

        @Override
        public CompletionStage<Boolean> matches(String password, String hash) {
            int colon = hash.indexOf(':');
            boolean matches = colon > 0
                    && hash.substring(colon + 1).equals(String.valueOf((hash.substring(0, colon) + password).hashCode()));
            return CompletableFuture.completedFuture(matches);
        }
    }

    /**
     * Random tokens remembered in memory with their expiry, shaped like a JWT (three dot-separated parts) so
     * that a token spliced from two issued ones is as unknown as any other.
     */
    static final class Tokens implements TokenIssuer, TokenVerifier {
        private record Issued(UserId userId, Instant expires) {
        }

        private final Map<String, Issued> issued = new ConcurrentHashMap<>();
        private final Duration lifetime;
        private final Clock clock;

        Tokens() {
            this(Duration.ofDays(7), Clock.systemUTC());
        }

        Tokens(Duration lifetime, Clock clock) {
            this.lifetime = lifetime;
            this.clock = clock;
        }

        @Override
        public String issue(UserId userId) {
            String token = "test." + UUID.randomUUID() + "." + UUID.randomUUID();
            issued.put(token, new Issued(userId, clock.instant().plus(lifetime)));
            return token;
        }

        @Override
        public Optional<UserId> verify(String token) {
            Issued found = token == null ? null : issued.get(token);
            return found == null || !clock.instant().isBefore(found.expires()) ? Optional.empty()
                    : Optional.of(found.userId());
        }
    }

    /** Files kept in a map. */
    static final class MemoryBlobs implements BlobStore {
        final Map<String, Blob> stored = new ConcurrentHashMap<>();

        @Override
        public CompletionStage<Void> put(String name, Blob blob) {
            stored.put(name, blob);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Optional<Blob>> get(String name) {
            return CompletableFuture.completedFuture(Optional.ofNullable(stored.get(name)));
        }
    }
}
