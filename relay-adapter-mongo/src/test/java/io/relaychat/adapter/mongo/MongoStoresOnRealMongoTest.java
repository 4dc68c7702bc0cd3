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
import org.junit.jupiter.api.Nested;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mongodb.MongoDBContainer;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The same contracts as {@link MongoStoresInProcessTest}, against a real MongoDB 7 in a container. Skipped
 * where no Docker engine runs; there the in-process server stands in.
 */
@Testcontainers(disabledWithoutDocker = true)
@IntegrationTest
class MongoStoresOnRealMongoTest {
    @Container
    private static final MongoDBContainer MONGO = new MongoDBContainer("mongo:7.0");
    private static final List<MongoStorage> OPENED = new ArrayList<>();

    private static MongoStorage openStorage() {
        MongoStorage storage = MongoStorage.open(MongoSettings.of(MONGO.getConnectionString(),
                "test_" + UUID.randomUUID().toString().replace("-", "")));
        OPENED.add(storage);
        return storage;
    }

    @AfterAll
    static void close() {
        OPENED.forEach(MongoStorage::close);
    }

    @Nested
    class Users extends UserStoreContract {
        @Override
        protected UserStore newStore() {
            return openStorage().users();
        }
    }

    @Nested
    class Rooms extends RoomStoreContract {
        @Override
        protected RoomStore newStore() {
            return openStorage().rooms();
        }
    }

    @Nested
    class Messages extends MessageStoreContract {
        @Override
        protected MessageStore newStore() {
            return openStorage().messages();
        }
    }

    @Nested
    class Blobs extends BlobStoreContract {
        @Override
        protected BlobStore newStore() {
            return openStorage().blobs();
        }
    }
}
