package io.relaychat.adapter.sqlite;

import io.relaychat.ports.model.DeliveryBatching;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the database lives and how its writes are grouped.
 *
 * @param directory      the data folder: it holds {@value SqliteStorage#DATABASE_FILE} (with its {@code -wal} and
 *                       {@code -shm} files) and {@value DirectoryLock#LOCK_FILE}; created when missing
 * @param maxBatchWrites the most writes one transaction (and one fsync) takes; 1 commits every write alone
 * @param maxBatchWait   how long the writer waits for more writes to join a batch that is not full; zero takes only
 *                       what is queued already
 * @param maxQueuedWrites writes waiting for the writer at most; past it a write fails at once as storage unavailable
 *                       (the disk is not keeping up); {@link #UNBOUNDED} for no bound
 * @param readers        threads (each with its own connection) reading history, rooms and users
 * @param historyTtl     how long a message is kept after its timestamp; null keeps every message forever
 * @param clock          what "now" is for expiry (the system clock but in tests)
 * @param deliveries     what the writer runs a batch's completions through: the transport's, so that it takes the
 *                       messages of a batch in one hand-off ({@link DeliveryBatching#NONE} by default)
 */
public record SqliteSettings(Path directory, int maxBatchWrites, Duration maxBatchWait, int maxQueuedWrites, int readers,
                             Duration historyTtl, Clock clock, DeliveryBatching deliveries) {
    /** A busy room's burst goes in a few transactions, none of them long enough to hold a read back. */
    public static final int DEFAULT_MAX_BATCH_WRITES = 256;
    /** Short against a round trip over the network, long enough for the writes of a busy moment to share an fsync. */
    public static final Duration DEFAULT_MAX_BATCH_WAIT = Duration.ofMillis(2);
    /** About a second of a busy node's writes: a stalled disk turns into refusals the senders retry, not into memory. */
    public static final int DEFAULT_MAX_QUEUED_WRITES = 10_000;
    /** The bound meaning "no bound". */
    public static final int UNBOUNDED = 0;
    /** Reads are short index seeks: a few threads keep up with many sockets, and each holds one connection. */
    public static final int DEFAULT_READERS = 4;

    public SqliteSettings {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(maxBatchWait, "maxBatchWait");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(deliveries, "deliveries");
        if (maxBatchWrites < 1) {
            throw new IllegalArgumentException("maxBatchWrites must be at least 1, got " + maxBatchWrites);
        }
        if (maxBatchWait.isNegative()) {
            throw new IllegalArgumentException("maxBatchWait must not be negative, got " + maxBatchWait);
        }
        if (maxQueuedWrites < 0) {
            throw new IllegalArgumentException("maxQueuedWrites must be 0 (no bound) or more, got " + maxQueuedWrites);
        }
        if (readers < 1) {
            throw new IllegalArgumentException("readers must be at least 1, got " + readers);
        }
        if (historyTtl != null && historyTtl.toSeconds() < 1) {
            throw new IllegalArgumentException("historyTtl must be at least a second, or null to keep history forever");
        }
    }

    /** The defaults, history kept forever. */
    public static SqliteSettings in(Path directory) {
        return new SqliteSettings(directory, DEFAULT_MAX_BATCH_WRITES, DEFAULT_MAX_BATCH_WAIT, DEFAULT_MAX_QUEUED_WRITES,
                DEFAULT_READERS, null,
                Clock.systemUTC(), DeliveryBatching.NONE);
    }

    public SqliteSettings withBatch(int writes, Duration wait) {
        return new SqliteSettings(directory, writes, wait, maxQueuedWrites, readers, historyTtl, clock, deliveries);
    }

    /** At most {@code value} writes waiting ({@link #UNBOUNDED}: no bound). */
    public SqliteSettings withMaxQueuedWrites(int value) {
        return new SqliteSettings(directory, maxBatchWrites, maxBatchWait, value, readers, historyTtl, clock, deliveries);
    }

    public SqliteSettings withReaders(int value) {
        return new SqliteSettings(directory, maxBatchWrites, maxBatchWait, maxQueuedWrites, value, historyTtl, clock, deliveries);
    }

    /** Messages older than {@code value} are deleted (null: kept forever). */
    public SqliteSettings withHistoryTtl(Duration value) {
        return new SqliteSettings(directory, maxBatchWrites, maxBatchWait, maxQueuedWrites, readers, value, clock, deliveries);
    }

    public SqliteSettings withDeliveries(DeliveryBatching value) {
        return new SqliteSettings(directory, maxBatchWrites, maxBatchWait, maxQueuedWrites, readers, historyTtl, clock, value);
    }

    public SqliteSettings withClock(Clock value) {
        return new SqliteSettings(directory, maxBatchWrites, maxBatchWait, maxQueuedWrites, readers, historyTtl, value, deliveries);
    }
}
