package io.relaychat.adapter.sqlite;

import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.Failures;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserAccount;
import io.relaychat.ports.model.UserId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static io.relaychat.testkit.Await.failure;
import static io.relaychat.testkit.Await.result;
import static io.relaychat.testkit.Fixtures.aGroupRoom;
import static io.relaychat.testkit.Fixtures.aMessage;
import static io.relaychat.testkit.Fixtures.anAccount;
import static io.relaychat.testkit.Fixtures.newId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Opening the database: what was stored is there after a restart, one store owns a folder, the schema is created
 * once and a database from a newer release is refused, and a database written at version 1 is read as it is.
 */
class SqliteStorageTest {
    @TempDir
    Path folder;

    @Test
    void whatWasStoredIsThereAfterARestartAndTheSeqsGoOn() {
        UserAccount alice = anAccount("alice@example.com", "alice");
        UserId bob = new UserId(newId());
        Room room = aGroupRoom().named("general").withMembers(alice.user().id()).build();
        ChatMessage first;
        try (SqliteStorage storage = SqliteStorage.open(SqliteSettings.in(folder))) {
            assertEquals(0, storage.foundVersion(), "a new file");
            result(storage.users().insertIfEmailFree(alice));
            result(storage.rooms().insert(room));
            result(storage.rooms().addMember(room.id(), bob));
            first = result(storage.messages().append(aMessage().in(room.id()).from(bob).withClientId("c-1")
                    .withAttachments("/static/uploads/a.png").build())).message();
            result(storage.messages().append(aMessage().in(room.id()).build()));
        }

        try (SqliteStorage reopened = SqliteStorage.open(SqliteSettings.in(folder))) {
            assertEquals(Schema.CURRENT_VERSION, reopened.foundVersion());
            assertEquals(alice, result(reopened.users().findAccountByEmail("ALICE@example.com")).orElseThrow());
            assertEquals(List.of(alice.user().id(), bob), result(reopened.rooms().findById(room.id())).orElseThrow().members());
            assertEquals(first, result(reopened.messages().since(room.id(), 0, 1)).get(0));
            assertTrue(result(reopened.messages().append(aMessage().in(room.id()).from(bob).withClientId("c-1").build()))
                    .duplicate(), "a retry after the restart is still recognised");
            assertEquals(3, result(reopened.messages().append(aMessage().in(room.id()).build())).message().seq());
        }
    }

    @Test
    void aSecondOpenOfAFolderInUseFailsAtOnceNamingTheLockFile() {
        try (SqliteStorage owner = SqliteStorage.open(SqliteSettings.in(folder))) {
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> SqliteStorage.open(SqliteSettings.in(folder)));

            assertTrue(refused.getMessage().contains(folder.resolve(DirectoryLock.LOCK_FILE).toString()), refused.getMessage());
            result(owner.users().insertIfEmailFree(anAccount("still@example.com", "still")));
            assertTrue(result(owner.users().findByUsername("still")).isPresent(), "the owner goes on as before");
        }
        try (SqliteStorage next = SqliteStorage.open(SqliteSettings.in(folder))) {
            assertTrue(result(next.users().findByUsername("still")).isPresent(), "a closed store releases the folder");
        }
    }

    @Test
    void aDatabaseFromANewerReleaseIsRefusedWithItsVersion() throws SQLException {
        SqliteStorage.open(SqliteSettings.in(folder)).close();
        try (Connection raw = raw(); Statement sql = raw.createStatement()) {
            sql.execute("UPDATE schema_version SET version = " + (Schema.CURRENT_VERSION + 1));
        }

        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> SqliteStorage.open(SqliteSettings.in(folder)));

        assertTrue(refused.getMessage().contains("schema version " + (Schema.CURRENT_VERSION + 1)), refused.getMessage());
        assertTrue(refused.getMessage().contains(folder.resolve(SqliteStorage.DATABASE_FILE).toString()), refused.getMessage());
        IllegalStateException again = assertThrows(IllegalStateException.class,
                () -> SqliteStorage.open(SqliteSettings.in(folder)));
        assertTrue(again.getMessage().contains("schema version"), "a refused open releases the folder's lock: " + again);
    }

    @Test
    void aDatabaseWrittenAtVersionOneIsReadAsItIs() throws SQLException {
        RoomId room = new RoomId(newId());
        try (Connection raw = raw(); Statement sql = raw.createStatement()) {
            writeVersionOne(sql, room);
        }

        try (SqliteStorage storage = SqliteStorage.open(SqliteSettings.in(folder))) {
            assertEquals(1, storage.foundVersion());
            assertEquals("ann", result(storage.users().findByUsername("ann")).orElseThrow().username());
            assertEquals(List.of(new UserId("u-ann")), result(storage.rooms().findById(room)).orElseThrow().members());
            ChatMessage old = result(storage.messages().history(room, 50, null, null)).get(0);
            assertEquals(List.of("/static/uploads/x.png"), old.attachments());
            assertEquals("from version 1", old.content());
            assertEquals(8, result(storage.messages().append(aMessage().in(room).build())).message().seq(),
                    "the room goes on from its recorded seq");
        }
    }

    @Test
    void theDatabaseIsInWalModeSoReadersReadWhileTheWriterWrites() throws SQLException {
        SqliteStorage.open(SqliteSettings.in(folder)).close();
        try (Connection raw = raw(); Statement sql = raw.createStatement(); ResultSet mode = sql.executeQuery("PRAGMA journal_mode")) {
            assertTrue(mode.next());
            assertEquals("wal", mode.getString(1));
        }
    }

    @Test
    void theProbeAnswersWhileTheStoreIsOpenAndSaysUnavailableOnceItIsClosed() {
        SqliteStorage storage = SqliteStorage.open(SqliteSettings.in(folder));
        result(storage.probe().ping());
        storage.close();

        assertTrue(Failures.isUnavailable(failure(storage.probe().ping())), "readiness turns false");
        assertTrue(Failures.isUnavailable(failure(storage.messages().append(aMessage().build()))),
                "a send after close is refused as storage unavailable, never lost silently");
    }

    @Test
    void givenCommitsFailAsOnAFullDisk_thenTheProbeFailsTooAndAnswersAgainOnceSpaceIsBackWithoutAClientWriting() {
        ScriptedCommits commits = new ScriptedCommits();
        try (SqliteStorage storage = SqliteStorage.open(SqliteSettings.in(folder), commits)) {
            result(storage.probe().ping());
            commits.diskFull(true);
            assertTrue(Failures.isUnavailable(failure(storage.messages().append(aMessage().build()))));

            Throwable notReady = failure(storage.probe().ping());
            assertTrue(Failures.isUnavailable(notReady), "readiness turns false while writes fail: " + notReady);
            assertTrue(Failures.cause(notReady).getMessage().contains("SQLITE_FULL"), "and says why: " + notReady);
            assertFalse(Failures.cause(notReady).getMessage().contains(folder.toString()), "naming no folder");

            commits.diskFull(false);
            result(storage.probe().ping()); // its own write commits: the outage is over with no client writing
            result(storage.probe().ping());
            assertEquals(1, result(storage.messages().append(aMessage().build())).message().seq());
        }
    }

    private Connection raw() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + folder.resolve(SqliteStorage.DATABASE_FILE));
    }

    /**
     * Version 1 as it shipped, written here by hand rather than by {@link Schema}: when a later version changes the
     * schema, this database must still open, migrated.
     */
    private static void writeVersionOne(Statement sql, RoomId room) throws SQLException {
        sql.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at INTEGER NOT NULL)");
        sql.execute("INSERT INTO schema_version VALUES (1, 1767225600000)");
        sql.execute("CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT NOT NULL, email_lower TEXT NOT NULL UNIQUE,"
                + " username TEXT NOT NULL, username_lower TEXT NOT NULL, password TEXT NOT NULL, created_at INTEGER NOT NULL)");
        sql.execute("CREATE INDEX users_username ON users (username, created_at)");
        sql.execute("CREATE TABLE rooms (id TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL,"
                + " created_at INTEGER NOT NULL, created_by TEXT NOT NULL, direct_key TEXT UNIQUE)");
        sql.execute("CREATE INDEX rooms_type_created_at ON rooms (type, created_at)");
        sql.execute("CREATE TABLE room_members (room_id TEXT NOT NULL, user_id TEXT NOT NULL, position INTEGER NOT NULL,"
                + " PRIMARY KEY (room_id, user_id)) WITHOUT ROWID");
        sql.execute("CREATE INDEX room_members_user ON room_members (user_id)");
        sql.execute("CREATE TABLE messages (room_id TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL UNIQUE,"
                + " user_id TEXT NOT NULL, username TEXT NOT NULL, content TEXT NOT NULL, timestamp INTEGER NOT NULL,"
                + " attachments TEXT, client_id TEXT, UNIQUE (room_id, seq))");
        sql.execute("CREATE INDEX messages_room_timestamp ON messages (room_id, timestamp)");
        sql.execute("CREATE UNIQUE INDEX messages_client_key ON messages (user_id, client_id) WHERE client_id IS NOT NULL");
        sql.execute("CREATE INDEX messages_timestamp ON messages (timestamp)");
        sql.execute("CREATE TABLE room_seqs (room_id TEXT PRIMARY KEY, last_seq INTEGER NOT NULL) WITHOUT ROWID");

        sql.execute("INSERT INTO users VALUES ('u-ann', 'ann@example.com', 'ann@example.com', 'ann', 'ann', '$2a$10$x',"
                + " 1767225600000)");
        sql.execute("INSERT INTO rooms VALUES ('" + room + "', 'old room', 'group', 1767225600000, 'u-ann', NULL)");
        sql.execute("INSERT INTO room_members VALUES ('" + room + "', 'u-ann', 1)");
        sql.execute("INSERT INTO messages VALUES ('" + room + "', 7, 'm-7', 'u-ann', 'ann', 'from version 1',"
                + " 1767225600000, '[\"/static/uploads/x.png\"]', NULL)");
        sql.execute("INSERT INTO room_seqs VALUES ('" + room + "', 7)");
    }
}
