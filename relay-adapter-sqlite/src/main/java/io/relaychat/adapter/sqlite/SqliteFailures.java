package io.relaychat.adapter.sqlite;

import io.relaychat.ports.model.StorageUnavailableException;

import java.sql.SQLException;

/**
 * What SQLite's failures mean to the core. A constraint refused is the caller's fault (a room id used twice) and
 * concerns that one write; anything else (the disk full or failing, the file locked or corrupt, the store closed)
 * means nothing can be confirmed now, and becomes {@link StorageUnavailableException}: clients see 503 or an error
 * frame, and a retried send is found by its client id.
 */
final class SqliteFailures {
    /** SQLite's primary result code for a constraint violation; extended codes keep it in their low byte. */
    private static final int SQLITE_CONSTRAINT = 19;

    private SqliteFailures() {
    }

    static boolean isConstraint(SQLException e) {
        return (e.getErrorCode() & 0xFF) == SQLITE_CONSTRAINT;
    }

    static StorageUnavailableException unavailable(String what, Throwable cause) {
        return new StorageUnavailableException("SQLite store unavailable: " + what + ": " + cause.getMessage(), cause);
    }
}
