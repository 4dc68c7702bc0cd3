package io.relaychat.adapter.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
import com.mongodb.reactivestreams.client.gridfs.GridFSBuckets;
import io.relaychat.ports.in.ClusterEvents;
import io.relaychat.ports.model.DeliveryBatching;
import io.relaychat.ports.model.Failures;
import io.relaychat.ports.model.StorageUnavailableException;
import io.relaychat.ports.out.BlobStore;
import io.relaychat.ports.out.DependencyProbe;
import io.relaychat.ports.out.MessageStore;
import io.relaychat.ports.out.RoomStore;
import io.relaychat.ports.out.UserStore;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * All four stores on one MongoDB database, sharing one client and its connection pool. Opening it imports
 * data left by the Python app (once) and creates the indexes the stores rely on (idempotently); every
 * node may do both at start-up at the same time.
 */
public final class MongoStorage implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MongoStorage.class);

    private final MongoSettings settings;
    private final MongoClient client;
    private final MongoUserStore users;
    private final MongoRoomStore rooms;
    private final MongoMessageStore messages;
    private final GridFsBlobStore blobs;
    private final MongoDatabase database;

    private MongoStorage(MongoSettings settings, DeliveryBatching deliveries) {
        this.settings = settings;
        this.client = MongoClients.create(clientSettings(settings));
        MongoDatabase database = client.getDatabase(settings.database())
                .withWriteConcern(settings.effectiveWriteConcern())
                .withReadPreference(settings.effectiveReadPreference());
        this.users = new MongoUserStore(database.getCollection(MongoUserStore.COLLECTION));
        this.rooms = new MongoRoomStore(database.getCollection(MongoRoomStore.COLLECTION));
        this.messages = new MongoMessageStore(database.getCollection(MongoMessageStore.COLLECTION),
                database.getCollection(MongoMessageStore.SEQ_FLOORS), settings.historyTtl(), deliveries,
                settings.batchWait());
        this.blobs = new GridFsBlobStore(GridFSBuckets.create(database, GridFsBlobStore.BUCKET));
        this.database = database;
    }

    /**
     * Connects, imports legacy data and makes sure the indexes exist. Blocks the caller (the server's start-up)
     * until done; fails with {@link StorageUnavailableException} when MongoDB cannot be reached in time.
     */
    public static MongoStorage open(MongoSettings settings) {
        return open(settings, DeliveryBatching.NONE);
    }

    /**
     * As {@link #open(MongoSettings)}, with the messages that each insert stores handed to the transport together
     * through {@code deliveries} (the server passes its transport's).
     */
    public static MongoStorage open(MongoSettings settings, DeliveryBatching deliveries) {
        MongoStorage storage = new MongoStorage(settings, deliveries);
        try {
            LegacyImport.run(storage.database)
                    .thenCompose(ignored -> storage.ensureIndexes())
                    .thenCompose(ignored -> HistoryTtl.apply(storage.database, settings.historyTtl()))
                    .get(settings.timeout().toMillis() * 6, TimeUnit.MILLISECONDS);
            return storage;
        } catch (ExecutionException e) {
            storage.close();
            Throwable cause = MongoFailures.translate(e.getCause());
            if (cause instanceof StorageUnavailableException unavailable) {
                throw new StorageUnavailableException("cannot reach MongoDB at " + settings.describeHosts() + ": "
                        + unavailable.getMessage(), unavailable.getCause());
            }
            throw new IllegalStateException("cannot prepare MongoDB database " + settings.database() + ": "
                    + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            storage.close();
            throw new StorageUnavailableException("MongoDB at " + settings.describeHosts() + " did not answer in time");
        } catch (InterruptedException e) {
            storage.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while opening MongoDB", e);
        }
    }

    private static MongoClientSettings clientSettings(MongoSettings settings) {
        long timeoutMillis = settings.timeout().toMillis();
        return MongoClientSettings.builder()
                .applyToClusterSettings(cluster -> cluster.serverSelectionTimeout(timeoutMillis, TimeUnit.MILLISECONDS))
                .applyToSocketSettings(socket -> socket
                        .connectTimeout((int) timeoutMillis, TimeUnit.MILLISECONDS)
                        .readTimeout((int) timeoutMillis, TimeUnit.MILLISECONDS))
                .applyToConnectionPoolSettings(pool -> pool
                        .maxSize(settings.maxPoolSize())
                        .maxWaitTime(timeoutMillis, TimeUnit.MILLISECONDS))
                // Options written in the URI win over the defaults above.
                .applyConnectionString(new ConnectionString(settings.connectionString()))
                .applicationName("relaychat")
                .build();
    }

    private CompletableFuture<Void> ensureIndexes() {
        MongoCollection<Document> userDocs = database.getCollection(MongoUserStore.COLLECTION);
        MongoCollection<Document> roomDocs = database.getCollection(MongoRoomStore.COLLECTION);
        MongoCollection<Document> messageDocs = database.getCollection(MongoMessageStore.COLLECTION);
        List<CompletableFuture<Void>> all = List.of(
                index(userDocs, Indexes.ascending("email_lower"), unique(MongoUserStore.EMAIL_INDEX)),
                index(userDocs, Indexes.ascending("id"), unique("users_id_unique")),
                index(userDocs, Indexes.ascending("username"), new IndexOptions().name("users_username")),
                index(roomDocs, Indexes.ascending("id"), unique("rooms_id_unique")),
                index(roomDocs, Indexes.ascending("members"), new IndexOptions().name("rooms_members")),
                index(roomDocs, Indexes.ascending("direct_key"), unique("rooms_direct_key_unique").sparse(true)),
                index(roomDocs, Indexes.ascending("type", "created_at"), new IndexOptions().name("rooms_type_created_at")),
                index(messageDocs, Indexes.ascending("room_id", "seq"), unique("messages_room_seq_unique")),
                index(messageDocs, Indexes.ascending("room_id", "timestamp"), new IndexOptions().name("messages_room_timestamp")),
                index(messageDocs, Indexes.ascending("client_key"), unique("messages_client_key_unique").sparse(true)),
                index(messageDocs, Indexes.ascending("id"), unique(MongoMessageStore.ID_INDEX)));
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    private static IndexOptions unique(String name) {
        return new IndexOptions().name(name).unique(true);
    }

    private static CompletableFuture<Void> index(MongoCollection<Document> collection,
                                                 org.bson.conversions.Bson keys, IndexOptions options) {
        return Reactive.done(collection.createIndex(keys, options));
    }

    public UserStore users() {
        return users;
    }

    public RoomStore rooms() {
        return rooms;
    }

    public MessageStore messages() {
        return messages;
    }

    public BlobStore blobs() {
        return blobs;
    }

    /** A writer of another store's records into these collections, ids and seqs kept (a move from SQLite). */
    public MongoImport importer() {
        return new MongoImport(database);
    }

    /**
     * Readiness's question to MongoDB: a {@code ping} command on the primary (where the writes go), bounded by
     * the storage's timeout (choosing a server, connecting, the reply). A failure names only the kind of fault,
     * never the hosts: the answer is shown on an unauthenticated endpoint.
     */
    public DependencyProbe probe() {
        return () -> Reactive.done(database.runCommand(new Document("ping", 1)))
                .exceptionally(error -> {
                    throw new CompletionException(pingFailure(error));
                });
    }

    private static StorageUnavailableException pingFailure(Throwable error) {
        Throwable cause = Failures.cause(error);
        if (cause instanceof StorageUnavailableException translated && translated.getCause() != null) {
            cause = translated.getCause(); // the driver's own fault, whose message names the servers
        }
        return new StorageUnavailableException(
                "MongoDB did not answer a ping (" + cause.getClass().getSimpleName() + ")", cause);
    }

    /**
     * {@code core}, as the adapters that link nodes should be handed it when the nodes share this database:
     * every call is passed on, and the seq of each message another node publishes is first told to this
     * storage's message store, which then starts its next append to the room after it instead of losing an
     * insert to it. E.g. {@code redisNode.attach(mongo.observing(core.clusterEvents()))}.
     */
    public ClusterEvents observing(ClusterEvents core) {
        return new SeqHints(messages, core);
    }

    /** For logs: hosts, database, write concern, read preference and history kept; never credentials. */
    public String describe() {
        return "MongoDB at " + settings.describeHosts() + ", database " + settings.database() + ", write concern "
                + settings.effectiveWriteConcern().asDocument().toJson() + ", read preference "
                + settings.effectiveReadPreference().getName() + ", timeout " + settings.timeout().toMillis() + " ms, "
                + (settings.historyTtl() == null ? "history kept forever"
                        : "messages expire " + HistoryTtl.describe(settings.historyTtl()) + " after their timestamp");
    }

    @Override
    public void close() {
        messages.close();
        client.close();
        log.debug("closed MongoDB client");
    }
}
