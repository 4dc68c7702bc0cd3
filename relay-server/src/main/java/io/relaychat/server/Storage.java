package io.relaychat.server;

import com.mongodb.ReadPreference;
import com.mongodb.WriteConcern;
import io.relaychat.adapter.local.FileSystemBlobStore;
import io.relaychat.adapter.local.InMemoryMessageStore;
import io.relaychat.adapter.local.InMemoryRoomStore;
import io.relaychat.adapter.local.InMemoryUserStore;
import io.relaychat.adapter.local.InProcessProbe;
import io.relaychat.adapter.mongo.MongoSettings;
import io.relaychat.adapter.mongo.MongoStorage;
import io.relaychat.adapter.sqlite.SqliteSettings;
import io.relaychat.adapter.sqlite.SqliteStorage;
import io.relaychat.ports.in.ClusterEvents;
import io.relaychat.ports.model.DeliveryBatching;
import io.relaychat.ports.model.StorageUnavailableException;
import io.relaychat.ports.out.BlobStore;
import io.relaychat.ports.out.DependencyProbe;
import io.relaychat.ports.out.MessageStore;
import io.relaychat.ports.out.RoomStore;
import io.relaychat.ports.out.UserStore;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * The four stores, chosen from the configuration (RELAY_STORAGE): MongoDB, an SQLite file, or memory; uploads in
 * GridFS with MongoDB, in a folder otherwise.
 * {@code observing} puts the store on the path of what other nodes tell the core, where a store wants to learn
 * from it (MongoDB's seq hints); the others pass it on as it is. {@code probe} is what readiness pings;
 * {@code description} says which, for the start-up line (never a credential: MongoDB is described by its hosts).
 * The SQLite and MongoDB stores complete their writes a batch at a time (a commit, an insert), through the
 * transport's {@code deliveries}, so that a batch's messages reach each event loop in one hand-off.
 */
record Storage(UserStore users, RoomStore rooms, MessageStore messages, BlobStore blobs,
               UnaryOperator<ClusterEvents> observing, DependencyProbe probe, Runnable release, String description)
        implements AutoCloseable {

    static Storage from(ServerConfig config, DeliveryBatching deliveries) {
        return switch (config.storage()) {
            case MEMORY -> memory(config);
            case SQLITE -> sqlite(config, deliveries);
            case MONGODB -> mongo(config, deliveries);
        };
    }

    private static Storage memory(ServerConfig config) {
        FileSystemBlobStore blobs = uploads(config);
        String kept = config.memoryHistoryPerRoom() == InMemoryMessageStore.UNBOUNDED ? "every message kept"
                : "the newest " + config.memoryHistoryPerRoom() + " messages of each room kept";
        String ignored = config.historyTtlDays() > 0
                ? "; RELAY_HISTORY_TTL_DAYS ignored (MongoDB and SQLite only: RELAY_MEMORY_HISTORY_PER_ROOM bounds "
                        + "this store)"
                : "";
        return new Storage(new InMemoryUserStore(), new InMemoryRoomStore(),
                new InMemoryMessageStore(config.memoryHistoryPerRoom()), blobs, UnaryOperator.identity(),
                InProcessProbe.INSTANCE, blobs::close,
                "storage: local in-memory (RELAY_STORAGE=memory), " + kept + " — data is lost on restart; unset "
                        + "RELAY_STORAGE to keep it in SQLite, or set MONGO_URL" + ignored + "; uploads: folder " + blobs.folder());
    }

    private static Storage mongo(ServerConfig config, DeliveryBatching deliveries) {
        MongoStorage mongo = MongoStorage.open(mongoSettings(config), deliveries);
        return new Storage(mongo.users(), mongo.rooms(), mongo.messages(), mongo.blobs(), mongo::observing,
                mongo.probe(), mongo::close, "storage: " + mongo.describe() + "; uploads in GridFS");
    }

    /**
     * The SQLite file in RELAY_DATA_DIR, uploads in their folder. A folder another server holds, or a database of a
     * newer release, stops start-up with the store's own words (naming the lock file or the version).
     */
    private static Storage sqlite(ServerConfig config, DeliveryBatching deliveries) {
        SqliteStorage sqlite;
        try {
            sqlite = SqliteStorage.open(SqliteSettings.in(config.dataDir().toAbsolutePath().normalize())
                    .withHistoryTtl(config.historyTtlDays() == 0 ? null : Duration.ofDays(config.historyTtlDays()))
                    .withBatch(SqliteSettings.DEFAULT_MAX_BATCH_WRITES, config.sqliteBatchWait())
                    .withDeliveries(deliveries));
        } catch (IllegalStateException | StorageUnavailableException e) {
            throw new ConfigException(e.getMessage());
        }
        FileSystemBlobStore blobs;
        try {
            blobs = uploads(config);
        } catch (ConfigException e) {
            sqlite.close();
            throw e;
        }
        Runnable release = () -> {
            try {
                blobs.close();
            } finally {
                sqlite.close();
            }
        };
        return new Storage(sqlite.users(), sqlite.rooms(), sqlite.messages(), blobs, UnaryOperator.identity(),
                sqlite.probe(), release, "storage: " + sqlite.describe() + "; uploads: folder " + blobs.folder());
    }

    /** The upload folder; one that cannot be made stops start-up naming it, as a bad setting does. */
    private static FileSystemBlobStore uploads(ServerConfig config) {
        try {
            return new FileSystemBlobStore(config.uploadDir(), 2);
        } catch (UncheckedIOException e) {
            throw new ConfigException("the upload folder " + config.uploadDir() + " cannot be used: "
                    + e.getCause().getMessage());
        }
    }

    /** MongoDB as the configuration sets it up: for the server, and for the export into it. */
    static MongoSettings mongoSettings(ServerConfig config) {
        MongoSettings settings;
        try {
            settings = new MongoSettings(config.mongoUrl(), config.dbName(), config.mongoTimeout(),
                    writeConcern(config.mongoWriteConcern()), readPreference(config.mongoReadPreference()),
                    config.mongoMaxPoolSize(),
                    config.historyTtlDays() == 0 ? null : Duration.ofDays(config.historyTtlDays()),
                    config.mongoBatchWait());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("MONGO_URL is not a usable MongoDB URI: " + e.getMessage());
        }
        if (!settings.effectiveWriteConcern().isAcknowledged()) {
            throw new ConfigException("unacknowledged writes (w=0) are refused: a message is confirmed to its sender "
                    + "only once MongoDB has acknowledged it");
        }
        return settings;
    }

    /**
     * RELAY_MONGO_WRITE_CONCERN: {@code majority} or a number of nodes, journaled either way, since an
     * acknowledged message that a failover loses would see its seq given to another.
     */
    private static WriteConcern writeConcern(String name) {
        if (name == null) {
            return null;
        }
        if (name.equals("majority")) {
            return WriteConcern.MAJORITY.withJournal(true);
        }
        int nodes;
        try {
            nodes = Integer.parseInt(name);
        } catch (NumberFormatException e) {
            nodes = 0;
        }
        if (nodes < 1) {
            throw new ConfigException("RELAY_MONGO_WRITE_CONCERN must be 'majority' or a number of nodes (1 or more), got '"
                    + name + "'");
        }
        return new WriteConcern(nodes).withJournal(true);
    }

    private static ReadPreference readPreference(String name) {
        if (name == null) {
            return null;
        }
        try {
            return ReadPreference.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("RELAY_MONGO_READ_PREFERENCE must be primary, primaryPreferred, secondary, "
                    + "secondaryPreferred or nearest, got '" + name + "'");
        }
    }

    @Override
    public void close() {
        release.run();
    }
}
