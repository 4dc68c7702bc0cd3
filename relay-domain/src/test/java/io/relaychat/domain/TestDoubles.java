package io.relaychat.domain;

import io.relaychat.ports.model.Blob;
import io.relaychat.ports.model.BlobReader;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.model.VerifiedToken;
import io.relaychat.ports.out.BlobSink;
import io.relaychat.ports.out.BlobStore;
import io.relaychat.ports.out.PasswordHasher;
import io.relaychat.ports.out.TokenIssuer;
import io.relaychat.ports.out.TokenVerifier;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
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
        private record Issued(VerifiedToken verified, Instant expires) {
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

        /**
         * A token as the identity provider would vouch for it: it names {@code userId} with these claims (either may
         * be null), and lives as long as the tokens issued here.
         */
        String fromIdentityProvider(UserId userId, String username, String email) {
            String token = "idp." + UUID.randomUUID() + "." + UUID.randomUUID();
            issued.put(token, new Issued(VerifiedToken.fromIdentityProvider(userId, username, email),
                    clock.instant().plus(lifetime)));
            return token;
        }

        @Override
        public String issue(UserId userId) {
            String token = "test." + UUID.randomUUID() + "." + UUID.randomUUID();
            issued.put(token, new Issued(VerifiedToken.ofUser(userId), clock.instant().plus(lifetime)));
            return token;
        }

        @Override
        public CompletionStage<Optional<VerifiedToken>> verify(String token) {
            Issued found = token == null ? null : issued.get(token);
            return CompletableFuture.completedFuture(found == null || !clock.instant().isBefore(found.expires())
                    ? Optional.empty() : Optional.of(found.verified()));
        }
    }

    /** Files kept in a map: written whole into it once a sink finishes, read back in small chunks. */
    static final class MemoryBlobs implements BlobStore {
        static final int CHUNK = 64 * 1024;
        final Map<String, Blob> stored = new ConcurrentHashMap<>();

        @Override
        public CompletionStage<BlobSink> create(String name, String contentType) {
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            return CompletableFuture.completedFuture(new BlobSink() {
                @Override
                public CompletionStage<Void> write(ByteBuffer chunk) {
                    byte[] bytes = new byte[chunk.remaining()];
                    chunk.get(bytes);
                    content.writeBytes(bytes);
                    return CompletableFuture.completedFuture(null);
                }

                @Override
                public CompletionStage<Void> finish() {
                    stored.put(name, new Blob(content.toByteArray(), contentType));
                    return CompletableFuture.completedFuture(null);
                }

                @Override
                public void abort() {
                    content.reset();
                }
            });
        }

        @Override
        public CompletionStage<Optional<BlobReader>> open(String name) {
            Blob blob = stored.get(name);
            if (blob == null) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            ByteBuffer rest = ByteBuffer.wrap(blob.content());
            return CompletableFuture.completedFuture(Optional.of(new BlobReader() {
                @Override
                public long size() {
                    return blob.content().length;
                }

                @Override
                public String contentType() {
                    return blob.contentType();
                }

                @Override
                public CompletionStage<ByteBuffer> read() {
                    ByteBuffer chunk = rest.slice(rest.position(), Math.min(CHUNK, rest.remaining()));
                    rest.position(rest.position() + chunk.remaining());
                    return CompletableFuture.completedFuture(chunk);
                }

                @Override
                public void close() {
                }
            }));
        }
    }
}
