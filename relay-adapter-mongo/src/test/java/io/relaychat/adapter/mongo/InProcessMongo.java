package io.relaychat.adapter.mongo;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A MongoDB-compatible server in this JVM (mongo-java-server), reached by the real driver over the real
 * wire protocol on a loopback port. Each {@link #openStorage()} uses a database of its own; {@link #client()} is a
 * plain driver client on it, for tests that write or read documents themselves.
 */
final class InProcessMongo implements AutoCloseable {
    private final MongoServer server;
    private final InetSocketAddress address;
    private final List<MongoStorage> opened = new ArrayList<>();
    /** Made on first use, closed with the server. */
    private MongoClient client;

    InProcessMongo() {
        this(new MemoryBackend());
    }

    InProcessMongo(MongoBackend backend) {
        server = new MongoServer(backend);
        server.bind("127.0.0.1", 0);
        address = server.getLocalAddress();
    }

    String connectionString() {
        return "mongodb://127.0.0.1:" + address.getPort();
    }

    MongoStorage openStorage() {
        return openStorage("test_" + UUID.randomUUID().toString().replace("-", ""));
    }

    MongoStorage openStorage(String database) {
        return openStorage(MongoSettings.of(connectionString(), database));
    }

    MongoStorage openStorage(MongoSettings settings) {
        MongoStorage storage = MongoStorage.open(settings);
        opened.add(storage);
        return storage;
    }

    /** A driver client on this server, shared by the callers, closed by {@link #close()}. */
    synchronized MongoClient client() {
        if (client == null) {
            client = MongoClients.create(connectionString());
        }
        return client;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (client != null) {
                client.close();
            }
        }
        opened.forEach(MongoStorage::close);
        server.shutdownNow();
    }
}
