package io.relaychat.adapter.sqlite;

import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserAccount;
import org.sqlite.SQLiteConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a data folder's whole store out, page by page, as the ports' records, for a copy into another store: users
 * with their password hashes, rooms with their members in the order they joined, each room's messages in seq order
 * with their ids, seqs and client ids, and each room's seq counter. Pages are keyed on what they end with (an id, a
 * seq), so memory holds one page whatever the history's size. It holds the folder's lock for as long as it is open,
 * as a server does, so that nothing writes the store while it is read; and it never creates or migrates a database:
 * a folder without one, or with one of another schema version, is refused with a message saying so.
 * <p>
 * Its calls block the caller on the file: it is for a command run from a shell, not for a server's threads.
 */
public final class SqliteExport implements AutoCloseable {

    /** How many of each kind the store holds, counted when it is opened. */
    public record Counts(long users, long rooms, long messages) {
    }

    private final Path database;
    private final DirectoryLock lock;
    private final Connection connection;

    private SqliteExport(Path database, DirectoryLock lock, Connection connection) {
        this.database = database;
        this.lock = lock;
        this.connection = connection;
    }

    /**
     * Opens the database in {@code directory} for reading, holding the folder's lock. Fails with an
     * {@link IllegalStateException} saying why: no such folder, no {@value SqliteStorage#DATABASE_FILE} in it,
     * another process holding {@value DirectoryLock#LOCK_FILE}, or a schema version other than this release's.
     */
    public static SqliteExport open(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new IllegalStateException("there is no data folder " + directory + " (expected "
                    + directory.resolve(SqliteStorage.DATABASE_FILE) + ")");
        }
        Path database = directory.resolve(SqliteStorage.DATABASE_FILE);
        // Checked before the lock and the connection, both of which would create files in a folder that has no store.
        if (!Files.isRegularFile(database)) {
            throw new IllegalStateException("the data folder " + directory + " has no database: "
                    + SqliteStorage.DATABASE_FILE + " is missing (is it the folder a server ran in with RELAY_STORAGE=sqlite?)");
        }
        DirectoryLock lock = DirectoryLock.acquire(directory);
        Connection connection = null;
        try {
            SQLiteConfig config = new SQLiteConfig();
            config.setBusyTimeout(5_000);
            connection = config.createConnection("jdbc:sqlite:" + database);
            try (Statement sql = connection.createStatement()) {
                sql.execute("PRAGMA query_only = true");
                int version = schemaVersion(sql);
                if (version != Schema.CURRENT_VERSION) {
                    throw new IllegalStateException("the database " + database + " is at schema version " + version
                            + ", this release reads version " + Schema.CURRENT_VERSION + ": "
                            + (version < Schema.CURRENT_VERSION
                                    ? "start this release's server on the folder once (it migrates the file), stop it, then export"
                                    : "export with the release that wrote it"));
                }
            }
            return new SqliteExport(database, lock, connection);
        } catch (SQLException e) {
            SqliteStorage.closeQuietly(connection);
            lock.close();
            throw new IllegalStateException("cannot read the database " + database + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            SqliteStorage.closeQuietly(connection);
            lock.close();
            throw e;
        }
    }

    private static int schemaVersion(Statement sql) throws SQLException {
        try (ResultSet table = sql.executeQuery(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'")) {
            if (!table.next()) {
                return 0;
            }
        }
        return Schema.version(sql);
    }

    /** The database file read. */
    public Path database() {
        return database;
    }

    public Counts counts() {
        try (Statement sql = connection.createStatement()) {
            return new Counts(count(sql, "users"), count(sql, "rooms"), count(sql, "messages"));
        } catch (SQLException e) {
            throw failed("count the rows", e);
        }
    }

    private static long count(Statement sql, String table) throws SQLException {
        try (ResultSet row = sql.executeQuery("SELECT count(*) FROM " + table)) {
            return row.next() ? row.getLong(1) : 0;
        }
    }

    /** Up to {@code limit} accounts with ids after {@code afterId} (null: from the first), in id order. */
    public List<UserAccount> users(String afterId, int limit) {
        try (PreparedStatement find = connection.prepareStatement(
                "SELECT " + SqliteUserStore.COLUMNS + ", password FROM users WHERE id > ? ORDER BY id LIMIT ?")) {
            find.setString(1, afterId == null ? "" : afterId);
            find.setInt(2, limit);
            List<UserAccount> page = new ArrayList<>();
            try (ResultSet row = find.executeQuery()) {
                while (row.next()) {
                    page.add(new UserAccount(SqliteUserStore.user(row), row.getString("password")));
                }
            }
            return page;
        } catch (SQLException e) {
            throw failed("read users", e);
        }
    }

    /** Up to {@code limit} rooms with ids after {@code afterId} (null: from the first), in id order, with their members. */
    public List<Room> rooms(String afterId, int limit) {
        try (PreparedStatement find = connection.prepareStatement(
                "SELECT " + SqliteRoomStore.COLUMNS + " FROM rooms WHERE id > ? ORDER BY id LIMIT ?")) {
            find.setString(1, afterId == null ? "" : afterId);
            find.setInt(2, limit);
            return SqliteRoomStore.rooms(connection, find);
        } catch (SQLException e) {
            throw failed("read rooms", e);
        }
    }

    /** Up to {@code limit} of the room's messages with seqs after {@code afterSeq}, in seq order. */
    public List<ChatMessage> messages(RoomId roomId, long afterSeq, int limit) {
        try (PreparedStatement find = connection.prepareStatement(
                "SELECT " + SqliteMessageStore.COLUMNS + " FROM messages WHERE room_id = ? AND seq > ? ORDER BY seq LIMIT ?")) {
            find.setString(1, roomId.value());
            find.setLong(2, afterSeq);
            find.setInt(3, limit);
            List<ChatMessage> page = new ArrayList<>();
            try (ResultSet row = find.executeQuery()) {
                while (row.next()) {
                    page.add(SqliteMessageStore.message(row));
                }
            }
            return page;
        } catch (SQLException e) {
            throw failed("read the messages of room " + roomId.value(), e);
        }
    }

    /**
     * The highest seq the room has given (0: none): at least its newest message's, and more when its newest messages
     * expired, whose seqs are still taken.
     */
    public long lastSeq(RoomId roomId) {
        try (PreparedStatement find = connection.prepareStatement("""
                SELECT max(coalesce((SELECT last_seq FROM room_seqs WHERE room_id = ?1), 0),
                           coalesce((SELECT max(seq) FROM messages WHERE room_id = ?1), 0))""")) {
            find.setString(1, roomId.value());
            try (ResultSet row = find.executeQuery()) {
                return row.next() ? row.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw failed("read the seq counter of room " + roomId.value(), e);
        }
    }

    private IllegalStateException failed(String what, SQLException e) {
        return new IllegalStateException("cannot " + what + " from " + database + ": " + e.getMessage(), e);
    }

    /** Closes the file and lets go of the folder. */
    @Override
    public void close() {
        SqliteStorage.closeQuietly(connection);
        lock.close();
    }
}
