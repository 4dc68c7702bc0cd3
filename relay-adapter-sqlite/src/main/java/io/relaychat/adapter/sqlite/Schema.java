package io.relaychat.adapter.sqlite;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The tables, and how a database of any earlier version becomes the current one. {@code schema_version} holds the
 * version a database is at; each step of {@link #STEPS} takes it one version further, in a transaction of its own
 * that also records the new version, so a database is always at a version some step left it in. A database at a
 * version newer than this code knows (written by a newer server) is refused, never read with the wrong shape.
 */
final class Schema {
    /** One step: from version {@code i} to {@code i + 1}, where {@code i} is its index in {@link #STEPS}. */
    @FunctionalInterface
    interface Step {
        void apply(Statement sql) throws SQLException;
    }

    /** Version 0 is an empty file; each step here is the next version. Append, never edit a shipped step. */
    static final List<Step> STEPS = List.of(Schema::version1);
    static final int CURRENT_VERSION = STEPS.size();

    private Schema() {
    }

    /** Brings the writer's connection's database to {@link #CURRENT_VERSION}; answers the version it found. */
    static int migrate(Connection connection, String describedFile) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement sql = connection.createStatement()) {
            sql.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at INTEGER NOT NULL)");
            connection.commit();
            int found = version(sql);
            if (found > CURRENT_VERSION) {
                throw new IllegalStateException("the database " + describedFile + " is at schema version " + found
                        + ", newer than this server knows (" + CURRENT_VERSION + "): it was written by a newer release;"
                        + " run that release, or restore a backup made before the upgrade");
            }
            for (int version = found; version < CURRENT_VERSION; version++) {
                STEPS.get(version).apply(sql);
                sql.execute("DELETE FROM schema_version");
                sql.execute("INSERT INTO schema_version (version, applied_at) VALUES (" + (version + 1) + ", "
                        + System.currentTimeMillis() + ")");
                connection.commit();
            }
            return found;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    static int version(Statement sql) throws SQLException {
        try (ResultSet row = sql.executeQuery("SELECT max(version) FROM schema_version")) {
            return row.next() ? row.getInt(1) : 0;
        }
    }

    /**
     * Users, rooms with their members in order, messages with their room's seqs. Timestamps are milliseconds since
     * the epoch (what the core gives and MongoDB keeps). {@code room_seqs} holds each room's highest seq ever given,
     * written in the transaction of the append, so a seq is never given twice even once its message has expired.
     */
    private static void version1(Statement sql) throws SQLException {
        sql.execute("""
                CREATE TABLE users (
                  id TEXT PRIMARY KEY,
                  email TEXT NOT NULL,
                  email_lower TEXT NOT NULL UNIQUE,
                  username TEXT NOT NULL,
                  username_lower TEXT NOT NULL,
                  password TEXT NOT NULL,
                  created_at INTEGER NOT NULL)""");
        sql.execute("CREATE INDEX users_username ON users (username, created_at)");
        sql.execute("""
                CREATE TABLE rooms (
                  id TEXT PRIMARY KEY,
                  name TEXT NOT NULL,
                  type TEXT NOT NULL,
                  created_at INTEGER NOT NULL,
                  created_by TEXT NOT NULL,
                  direct_key TEXT UNIQUE)""");
        sql.execute("CREATE INDEX rooms_type_created_at ON rooms (type, created_at)");
        sql.execute("""
                CREATE TABLE room_members (
                  room_id TEXT NOT NULL,
                  user_id TEXT NOT NULL,
                  position INTEGER NOT NULL,
                  PRIMARY KEY (room_id, user_id)) WITHOUT ROWID""");
        sql.execute("CREATE INDEX room_members_user ON room_members (user_id)");
        sql.execute("""
                CREATE TABLE messages (
                  room_id TEXT NOT NULL,
                  seq INTEGER NOT NULL,
                  id TEXT NOT NULL UNIQUE,
                  user_id TEXT NOT NULL,
                  username TEXT NOT NULL,
                  content TEXT NOT NULL,
                  timestamp INTEGER NOT NULL,
                  attachments TEXT,
                  client_id TEXT,
                  UNIQUE (room_id, seq))""");
        sql.execute("CREATE INDEX messages_room_timestamp ON messages (room_id, timestamp)");
        sql.execute("CREATE UNIQUE INDEX messages_client_key ON messages (user_id, client_id) WHERE client_id IS NOT NULL");
        sql.execute("CREATE INDEX messages_timestamp ON messages (timestamp)");
        sql.execute("CREATE TABLE room_seqs (room_id TEXT PRIMARY KEY, last_seq INTEGER NOT NULL) WITHOUT ROWID");
    }
}
