package io.relaychat.adapter.sqlite;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The writer's commit, with three knobs: hold the next commit until released (so that a test knows writes are queued
 * behind it, and can look at a batch not committed yet); fail the next one not held, as a disk that cannot write
 * would; and fail every commit as a full disk does, until told the space is back.
 */
final class ScriptedCommits implements WriteQueue.Committer {
    private final AtomicBoolean holdNext = new AtomicBoolean();
    private final AtomicBoolean failNext = new AtomicBoolean();
    private volatile boolean diskFull;
    private volatile CountDownLatch entered = new CountDownLatch(1);
    private volatile CountDownLatch released = new CountDownLatch(1);

    /** The next commit waits in {@link #commit} until {@link #release}. */
    void holdNext() {
        entered = new CountDownLatch(1);
        released = new CountDownLatch(1);
        holdNext.set(true);
    }

    void failNext() {
        failNext.set(true);
    }

    /**
     * While full, every commit not held fails as SQLite's does on a full disk: SQLITE_FULL, with SQLite having rolled
     * the whole transaction back itself, so that no transaction is active any more (what SQLite does on a real full
     * tmpfs, where the rollback that follows then fails with "cannot rollback - no transaction is active").
     */
    void diskFull(boolean full) {
        diskFull = full;
    }

    /** Waits (10 s at most) until the held commit is reached. */
    void awaitHeld() throws InterruptedException {
        if (!entered.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the writer never reached the held commit");
        }
    }

    void release() {
        released.countDown();
    }

    @Override
    public void commit(Connection connection) throws SQLException {
        if (holdNext.getAndSet(false)) {
            entered.countDown();
            try {
                if (!released.await(10, TimeUnit.SECONDS)) {
                    throw new SQLException("held commit never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted", e);
            }
            connection.commit(); // a held commit goes through: a failure set meanwhile is for the next one
            return;
        }
        if (diskFull) {
            try (Statement sql = connection.createStatement()) {
                sql.execute("ROLLBACK");
            }
            throw new SQLException("[SQLITE_FULL] Insertion failed because database is full (database or disk is full)",
                    "HY000", 13);
        }
        if (failNext.getAndSet(false)) {
            throw new SQLException("disk I/O error", "HY000", 10); // SQLITE_IOERR, as a failing disk answers
        }
        connection.commit();
    }
}
