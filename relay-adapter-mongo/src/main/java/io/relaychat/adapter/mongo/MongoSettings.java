package io.relaychat.adapter.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.ReadPreference;
import com.mongodb.WriteConcern;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Where the data lives and how long to wait for it.
 *
 * @param connectionString a MongoDB URI, e.g. {@code mongodb://localhost:27017}
 * @param database         the database holding the collections
 * @param timeout          the bound on every wait: choosing a server, connecting, reading a reply, getting
 *                         a pooled connection. Past it the operation fails as "storage unavailable".
 * @param writeConcern     null for the default: the URI's write concern if it names one ({@code w},
 *                         {@code journal}, {@code wtimeoutMS}), else {@link #DEFAULT_WRITE_CONCERN}
 * @param readPreference   null for the URI's, else primary: history and gap fills must see the newest writes
 * @param maxPoolSize      connections per server
 * @param historyTtl       how long a message is kept (a TTL index on its timestamp); null keeps every message forever
 * @param batchWait        how long a message that finds no other waiting for the store waits for others to share its
 *                         insert (one round trip, one journal write for them all); zero: it goes at once
 */
public record MongoSettings(String connectionString, String database, Duration timeout, WriteConcern writeConcern,
                            ReadPreference readPreference, int maxPoolSize, Duration historyTtl, Duration batchWait) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /**
     * As the SQLite store's commit: at a busy node's pace it makes one insert of several rooms' messages (a quarter
     * less of the server's CPU per delivery at 50 000 deliveries/s, docs/performance.md), and a chat does not see
     * 2 ms.
     */
    public static final Duration DEFAULT_BATCH_WAIT = Duration.ofMillis(2);
    /** Past this a wait would be felt: a tenth of a second. */
    public static final Duration MAX_BATCH_WAIT = Duration.ofMillis(100);
    public static final int DEFAULT_MAX_POOL_SIZE = 100;
    /**
     * A write counts once most of the replica set has it in its journal: a message confirmed to its sender then
     * survives the primary's crash or replacement (with {@code w:1} a failover may roll it back after the
     * sender was told it is stored). A standalone server journals it before answering.
     */
    public static final WriteConcern DEFAULT_WRITE_CONCERN = WriteConcern.MAJORITY.withJournal(true);

    public MongoSettings {
        Objects.requireNonNull(connectionString, "connectionString");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(timeout, "timeout");
        new ConnectionString(connectionString); // fails early, with the driver's explanation, on a malformed URI
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        if (maxPoolSize < 1) {
            throw new IllegalArgumentException("maxPoolSize must be positive");
        }
        if (historyTtl != null && historyTtl.toSeconds() < 1) {
            throw new IllegalArgumentException("historyTtl must be at least a second, or null to keep history forever");
        }
        Objects.requireNonNull(batchWait, "batchWait");
        if (batchWait.isNegative() || batchWait.compareTo(MAX_BATCH_WAIT) > 0) {
            throw new IllegalArgumentException("batchWait must be between 0 and " + MAX_BATCH_WAIT.toMillis()
                    + " ms, got " + batchWait);
        }
    }

    /** With the default batch wait. */
    public MongoSettings(String connectionString, String database, Duration timeout, WriteConcern writeConcern,
                         ReadPreference readPreference, int maxPoolSize, Duration historyTtl) {
        this(connectionString, database, timeout, writeConcern, readPreference, maxPoolSize, historyTtl,
                DEFAULT_BATCH_WAIT);
    }

    /** Keeps history forever. */
    public MongoSettings(String connectionString, String database, Duration timeout, WriteConcern writeConcern,
                         ReadPreference readPreference, int maxPoolSize) {
        this(connectionString, database, timeout, writeConcern, readPreference, maxPoolSize, null);
    }

    public static MongoSettings of(String connectionString, String database) {
        return new MongoSettings(connectionString, database, DEFAULT_TIMEOUT, null, null, DEFAULT_MAX_POOL_SIZE);
    }

    public MongoSettings withTimeout(Duration value) {
        return new MongoSettings(connectionString, database, value, writeConcern, readPreference, maxPoolSize, historyTtl,
                batchWait);
    }

    /** MongoDB deletes messages older than {@code value} (null: keeps them forever). */
    public MongoSettings withHistoryTtl(Duration value) {
        return new MongoSettings(connectionString, database, timeout, writeConcern, readPreference, maxPoolSize, value,
                batchWait);
    }

    /** A message waits up to {@code value} for others to share its insert (zero: not at all). */
    public MongoSettings withBatchWait(Duration value) {
        return new MongoSettings(connectionString, database, timeout, writeConcern, readPreference, maxPoolSize,
                historyTtl, value);
    }

    /**
     * The write concern in force: explicit, else the URI's as it is written there, else the default. One that
     * waits for replicas and names no {@code wtimeout} waits at most {@link #timeout}: replication lag then
     * ends as a write-concern error ("storage unavailable"), not as a socket timeout that closes a pooled
     * connection.
     */
    public WriteConcern effectiveWriteConcern() {
        WriteConcern chosen = writeConcern;
        if (chosen == null) {
            WriteConcern fromUri = new ConnectionString(connectionString).getWriteConcern();
            chosen = fromUri != null ? fromUri : DEFAULT_WRITE_CONCERN;
        }
        boolean waitsForReplicas = chosen.getWObject() instanceof String || (chosen.getW() > 1);
        if (waitsForReplicas && chosen.getWTimeout(TimeUnit.MILLISECONDS) == null) {
            return chosen.withWTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        return chosen;
    }

    public ReadPreference effectiveReadPreference() {
        if (readPreference != null) {
            return readPreference;
        }
        ReadPreference fromUri = new ConnectionString(connectionString).getReadPreference();
        return fromUri != null ? fromUri : ReadPreference.primary();
    }

    /** The hosts of the URI, without credentials: safe to log. */
    public String describeHosts() {
        return String.join(",", new ConnectionString(connectionString).getHosts());
    }
}
