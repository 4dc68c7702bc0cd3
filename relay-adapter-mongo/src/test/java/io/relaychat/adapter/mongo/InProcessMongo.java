package io.relaychat.adapter.mongo;

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
    private final MongoServer server = new MongoServer(new MemoryBackend());
    private final InetSocketAddress address;
    private final List<MongoStorage> opened = new ArrayList<>();

    InProcessMongo() {
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
        MongoStorage storage = MongoStorage.open(MongoSettings.of(connectionString(), database));
        opened.add(storage);
        return storage;
    }

    @Override
    public void close() {
        opened.forEach(MongoStorage::close);
        server.shutdownNow();
    }
}
