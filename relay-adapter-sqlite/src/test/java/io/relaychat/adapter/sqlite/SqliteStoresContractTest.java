package io.relaychat.adapter.sqlite;

import io.relaychat.ports.out.MessageStore;
import io.relaychat.ports.out.RoomStore;
import io.relaychat.ports.out.UserStore;
import io.relaychat.testkit.MessageStoreContract;
import io.relaychat.testkit.RoomStoreContract;
import io.relaychat.testkit.UserStoreContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The port contracts, unchanged, against the SQLite stores: each test on a fresh database file in its own temporary
 * folder, through the real writer and readers, closed after it.
 */
class SqliteStoresContractTest {

    @Nested
    class Users extends UserStoreContract {
        @TempDir
        Path folder;
        private SqliteStorage storage;

        @Override
        protected UserStore newStore() {
            return (storage = SqliteStorage.open(SqliteSettings.in(folder))).users();
        }

        @AfterEach
        void close() {
            storage.close();
        }
    }

    @Nested
    class Rooms extends RoomStoreContract {
        @TempDir
        Path folder;
        private SqliteStorage storage;

        @Override
        protected RoomStore newStore() {
            return (storage = SqliteStorage.open(SqliteSettings.in(folder))).rooms();
        }

        @AfterEach
        void close() {
            storage.close();
        }
    }

    @Nested
    class Messages extends MessageStoreContract {
        @TempDir
        Path folder;
        private SqliteStorage storage;

        @Override
        protected MessageStore newStore() {
            return (storage = SqliteStorage.open(SqliteSettings.in(folder))).messages();
        }

        @AfterEach
        void close() {
            storage.close();
        }
    }

    @Nested
    class MessagesThatExpire extends MessageStoreContract {
        @TempDir
        Path folder;
        private SqliteStorage storage;

        @Override
        protected MessageStore newStore() {
            return (storage = SqliteStorage.open(SqliteSettings.in(folder).withHistoryTtl(Duration.ofDays(30)))).messages();
        }

        @AfterEach
        void close() {
            storage.close();
        }
    }
}
