package io.relaychat.adapter.sqlite;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Copies the write-ahead log back into the database file, on a thread and a connection of its own.
 * <p>
 * SQLite does it by itself in the connection that commits, once the log passes 1 000 pages: the writer then stopped
 * for the copy and for the database file's fsync, tens to hundreds of milliseconds on a busy disk, and every message
 * of every room queued behind it. So the writer's connection never checkpoints ({@code wal_autocheckpoint=0}), and
 * this one runs a PASSIVE checkpoint every {@code interval}: it copies what no reader still needs, and neither waits
 * for the writer nor stops it. Once a checkpoint has copied the whole log, the writer's next transaction starts it
 * over from its beginning, so the log stays about one interval of writes long. At close, after the writer has
 * stopped, a TRUNCATE checkpoint leaves the log empty. A checkpoint that fails (a full disk) is logged once and tried
 * again at the next interval; nothing is lost meanwhile, the log only grows.
 */
final class Checkpointer implements AutoCloseable {
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
    private static final Logger log = LoggerFactory.getLogger(Checkpointer.class);

    private final Connection connection;
    private final ScheduledExecutorService thread;
    /** Whether the latest checkpoint failed, so that an outage is logged once. Checkpoint thread only. */
    private boolean failing;

    Checkpointer(Connection connection, Duration interval) {
        this.connection = connection;
        this.thread = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread checkpoints = new Thread(task, "relay-sqlite-checkpoint");
            checkpoints.setDaemon(true);
            return checkpoints;
        });
        thread.scheduleWithFixedDelay(this::passive, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void passive() {
        try {
            checkpoint("PASSIVE");
            if (failing) {
                failing = false;
                log.info("SQLite store: the write-ahead log is copied into the database again");
            }
        } catch (SQLException e) {
            if (!failing) {
                failing = true;
                log.warn("SQLite store: the write-ahead log cannot be copied into the database, it grows until it "
                        + "can: {}", e.getMessage());
            }
        }
    }

    private void checkpoint(String mode) throws SQLException {
        try (Statement sql = connection.createStatement();
             ResultSet ignored = sql.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
            // the outcome row (busy, pages in the log, pages copied) says nothing the next checkpoint needs
        }
    }

    /** Stops the checkpoints; then, with the writer already stopped, copies and empties the log. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("SQLite store: a checkpoint still runs after 10 s; closing without the last one");
                return;
            }
            checkpoint("TRUNCATE");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException e) {
            log.warn("SQLite store: the last checkpoint failed; the log is copied at the next open: {}", e.getMessage());
        } finally {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
    }
}
