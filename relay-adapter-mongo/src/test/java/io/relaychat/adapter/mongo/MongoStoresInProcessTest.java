package io.relaychat.adapter.mongo;

import io.relaychat.ports.out.BlobStore;
import io.relaychat.ports.out.MessageStore;
import io.relaychat.ports.out.RoomStore;
import io.relaychat.ports.out.UserStore;
import io.relaychat.testkit.BlobStoreContract;
import io.relaychat.testkit.IntegrationTest;
import io.relaychat.testkit.MessageStoreContract;
import io.relaychat.testkit.RoomStoreContract;
import io.relaychat.testkit.UserStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/**
 * The port contracts, unchanged, against the MongoDB adapter: the real driver over the wire protocol to an
 * in-process server. {@link MongoStoresOnRealMongoTest} runs the same against MongoDB 7 where Docker exists.
 */
@IntegrationTest
class MongoStoresInProcessTest {
    private static InProcessMongo mongo;

    @BeforeAll
    static void start() {
        mongo = new InProcessMongo();
    }

    @AfterAll
    static void stop() {
        mongo.close();
    }

    @Nested
    class Users extends UserStoreContract {
        @Override
        protected UserStore newStore() {
            return mongo.openStorage().users();
        }
    }

    @Nested
    class Rooms extends RoomStoreContract {
        @Override
        protected RoomStore newStore() {
            return mongo.openStorage().rooms();
        }
    }

    @Nested
    class Messages extends MessageStoreContract {
        @Override
        protected MessageStore newStore() {
            return mongo.openStorage().messages();
        }
    }

    @Nested
    class MessagesThatExpire extends MessageStoreContract {
        @Override
        protected MessageStore newStore() {
            return mongo.openStorage(MongoSettings.of(mongo.connectionString(), "test_" + java.util.UUID.randomUUID()
                    .toString().replace("-", "")).withHistoryTtl(java.time.Duration.ofDays(30))).messages();
        }
    }

    @Nested
    class Blobs extends BlobStoreContract {
        @Override
        protected BlobStore newStore() {
            return mongo.openStorage().blobs();
        }
    }
}
