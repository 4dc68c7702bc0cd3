package io.relaychat.adapter.mongo;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A MongoDB-compatible server in this JVM (mongo-java-server), reached by the real driver over the real
 * wire protocol on a loopback port. Each {@link #openStorage()} uses a database of its own.
 */
final class InProcessMongo implements AutoCloseable {
    private final MongoServer server;
    private final InetSocketAddress address;
    private final List<MongoStorage> opened = new ArrayList<>();

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

    @Override
    public void close() {
        opened.forEach(MongoStorage::close);
        server.shutdownNow();
    }
}
