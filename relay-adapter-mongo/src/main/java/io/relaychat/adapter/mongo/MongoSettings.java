package io.relaychat.adapter.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.ReadPreference;
import com.mongodb.WriteConcern;

import java.time.Duration;
import java.util.Objects;

/**
 * Where the data lives and how long to wait for it.
 *
 * @param connectionString a MongoDB URI, e.g. {@code mongodb://localhost:27017}
 * @param database         the database holding the collections
 * @param timeout          the bound on every wait: choosing a server, connecting, reading a reply, getting
 *                         a pooled connection. Past it the operation fails as "storage unavailable".
 * @param writeConcern     null for the default: the URI's {@code w} if it names one, else {@code majority}
 *                         when the URI names a replica set and acknowledged ({@code w:1}) otherwise
 * @param readPreference   null for the URI's, else primary: history and gap fills must see the newest writes
 * @param maxPoolSize      connections per server
 */
public record MongoSettings(String connectionString, String database, Duration timeout, WriteConcern writeConcern,
                            ReadPreference readPreference, int maxPoolSize) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_POOL_SIZE = 100;

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
    }

    public static MongoSettings of(String connectionString, String database) {
        return new MongoSettings(connectionString, database, DEFAULT_TIMEOUT, null, null, DEFAULT_MAX_POOL_SIZE);
    }

    public MongoSettings withTimeout(Duration value) {
        return new MongoSettings(connectionString, database, value, writeConcern, readPreference, maxPoolSize);
    }

    /** The write concern in force: explicit, else the URI's, else majority for a replica set, else w:1. */
    public WriteConcern effectiveWriteConcern() {
        if (writeConcern != null) {
            return writeConcern;
        }
        ConnectionString uri = new ConnectionString(connectionString);
        if (uri.getWriteConcern() != null) {
            return uri.getWriteConcern();
        }
        return uri.getRequiredReplicaSetName() != null ? WriteConcern.MAJORITY : WriteConcern.ACKNOWLEDGED;
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
