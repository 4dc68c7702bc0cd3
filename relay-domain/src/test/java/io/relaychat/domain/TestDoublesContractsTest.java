package io.relaychat.domain;

import io.relaychat.ports.out.BlobStore;
import io.relaychat.ports.out.PasswordHasher;
import io.relaychat.ports.out.TokenIssuer;
import io.relaychat.ports.out.TokenVerifier;
import io.relaychat.testkit.BlobStoreContract;
import io.relaychat.testkit.PasswordHasherContract;
import io.relaychat.testkit.TokenContract;
import org.junit.jupiter.api.Nested;

import java.time.Clock;
import java.time.Duration;

/** The domain tests' doubles pass the same contracts as the adapters they stand in for. */
class TestDoublesContractsTest {
    @Nested
    class QuickHasherContract extends PasswordHasherContract {
        @Override
        protected PasswordHasher newHasher() {
            return new TestDoubles.QuickHasher();
        }
    }

    @Nested
    class TokensContract extends TokenContract {
        private final TestDoubles.Tokens tokens = new TestDoubles.Tokens();

        @Override
        protected TokenIssuer issuer() {
            return tokens;
        }

        @Override
        protected TokenVerifier verifier() {
            return tokens;
        }

        @Override
        protected TokenVerifier strangerVerifier() {
            return new TestDoubles.Tokens();
        }

        @Override
        protected Pair lasting(Duration lifetime, Clock clock) {
            TestDoubles.Tokens lasting = new TestDoubles.Tokens(lifetime, clock);
            return new Pair(lasting, lasting);
        }
    }

    @Nested
    class MemoryBlobsContract extends BlobStoreContract {
        @Override
        protected BlobStore newStore() {
            return new TestDoubles.MemoryBlobs();
        }
    }
}
