package io.relaychat.server;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.relaychat.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A server whose transport cannot be built (here: a TLS key file that does not exist) gives back what it had built
 * before failing: a program that embeds it and handles the error keeps no MongoDB client behind.
 */
class FailedStartTest {
    private final MongoServer mongo = new MongoServer(new MemoryBackend());

    @AfterEach
    void stopMongo() {
        mongo.shutdownNow();
    }

    @Test
    void aTransportThatCannotBeBuiltClosesTheStoreItOpened(@TempDir Path dir) {
        mongo.bind("127.0.0.1", 0);
        ServerConfig config = ServerConfig.fromEnvironment(Map.of(
                "MONGO_URL", "mongodb://127.0.0.1:" + mongo.getLocalAddress().getPort(),
                "PORT", "0",
                "RELAY_UPLOAD_DIR", dir.resolve("uploads").toString(),
                "RELAY_TLS_CERT", dir.resolve("missing-cert.pem").toString(),
                "RELAY_TLS_KEY", dir.resolve("missing-key.pem").toString()));

        assertThrows(RuntimeException.class, () -> new RelayServer(config));

        Await.until("the MongoDB driver's threads to stop", Duration.ofSeconds(10), () -> driverThreads().isEmpty());
    }

    /** The driver's monitor threads, named after its cluster ({@code cluster-ClusterId{...}-host:port}). */
    private static List<String> driverThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> name.startsWith("cluster-")).toList();
    }
}
