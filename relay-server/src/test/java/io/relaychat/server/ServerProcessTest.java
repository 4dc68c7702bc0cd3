package io.relaychat.server;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.relaychat.testkit.Await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real main in its own JVM: what an operator sees on start, on a bad setting, and on SIGTERM. */
class ServerProcessTest {

    private static Process launch(Map<String, String> env, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // The test class path carries a quieter logging setup; the operator's default is info.
        ProcessBuilder builder = new ProcessBuilder(java, "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-cp", System.getProperty("java.class.path"), RelayServerMain.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.equals("MONGO_URL") || name.equals("REDIS_URL")
                || name.equals("JWT_SECRET_KEY") || name.equals("PORT"));
        builder.environment().putAll(env);
        return builder.start();
    }

    @Test
    void aBadSettingStopsStartUpWithAClearMessageAndNoStackTrace() throws Exception {
        Path log = Files.createTempFile("relay-server", ".log");
        Process process = launch(Map.of("PORT", "eighty"), log);

        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(2, process.exitValue(), output);
        assertTrue(output.contains("configuration error: PORT must be an integer from 0 to 65535, got 'eighty'"), output);
        assertFalse(output.contains("\tat "), "no stack trace: " + output);
    }

    @Test
    void aRestartedProcessOnTheSameMongoStoreHasEverythingAndContinuesTheSeqs() throws Exception {
        MongoServer mongo = new MongoServer(new MemoryBackend());
        mongo.bind("127.0.0.1", 0);
        try {
            Map<String, String> env = Map.of("MONGO_URL", "mongodb://127.0.0.1:" + mongo.getLocalAddress().getPort(),
                    "DB_NAME", "relay_process", "JWT_SECRET_KEY", RunningServer.SECRET, "HOST", "127.0.0.1");
            String room;
            Api.Account ann;
            try (ServerProcess first = ServerProcess.start(env)) {
                Api api = new Api(first.http());
                ann = api.register("ann");
                room = api.createRoom(ann, "kept");
                try (WsClient ws = WsClient.connect(first.ws(ann.token()))) {
                    ws.join(room);
                    ws.say(room, "before the restart");
                    ws.awaitMessages(1);
                }
                assertTrue(first.log().contains("storage: MongoDB at 127.0.0.1:"), first.log());
            }
            try (ServerProcess second = ServerProcess.start(env)) {
                Api api = new Api(second.http());
                assertEquals("before the restart",
                        api.get("/api/rooms/" + room + "/messages", ann.token()).body().path(0).path("content").asText());
                try (WsClient ws = WsClient.connect(second.ws(ann.token()))) {
                    ws.join(room);
                    ws.say(room, "after the restart");
                    ws.awaitMessages(1);
                    assertEquals(List.of(2L), ws.seqs());
                }
            }
        } finally {
            mongo.shutdownNow();
        }
    }

    /** The packaged main in its own JVM on a free port, stopped with SIGTERM. */
    private static final class ServerProcess implements AutoCloseable {
        private final Process process;
        private final Path log;
        private final int port;

        private ServerProcess(Process process, Path log, int port) {
            this.process = process;
            this.log = log;
            this.port = port;
        }

        static ServerProcess start(Map<String, String> env) throws IOException {
            int port;
            try (ServerSocket probe = new ServerSocket(0)) {
                port = probe.getLocalPort();
            }
            Path log = Files.createTempFile("relay-server", ".log");
            Map<String, String> all = new java.util.HashMap<>(env);
            all.put("PORT", String.valueOf(port));
            all.put("RELAY_UPLOAD_DIR", Files.createTempDirectory("relay-uploads").toString());
            ServerProcess server = new ServerProcess(launch(all, log), log, port);
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest health = HttpRequest.newBuilder(URI.create(server.http() + "/api/health")).build();
            Await.until("the server answers", Duration.ofSeconds(30), () -> {
                try {
                    return http.send(health, HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                } catch (IOException e) {
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            });
            return server;
        }

        String http() {
            return "http://127.0.0.1:" + port;
        }

        String ws(String token) {
            return "ws://127.0.0.1:" + port + "/api/ws?token=" + token;
        }

        String log() throws IOException {
            return Files.readString(log, StandardCharsets.UTF_8);
        }

        /** SIGTERM, then waits for the process to end; true when it ended by itself. */
        boolean stop() {
            process.destroy();
            try {
                if (process.waitFor(30, TimeUnit.SECONDS)) {
                    return true;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process.destroyForcibly();
            return false;
        }

        @Override
        public void close() {
            stop();
        }
    }

    @Test
    void startsWithNoServicesSaysWhichAdaptersItChoseAndStopsGracefullyOnSigterm() throws Exception {
        ServerProcess server = ServerProcess.start(Map.of("HOST", "127.0.0.1"));

        assertTrue(server.stop(), "stops by itself after SIGTERM");
        String output = server.log();
        assertTrue(output.contains("storage: local in-memory — data is lost on restart; set MONGO_URL for durable storage"), output);
        assertTrue(output.contains("JWT_SECRET_KEY is not set; using a random secret"), output);
        assertTrue(output.contains("RelayChat ready in"), output);
        assertTrue(output.contains("stopped"), "graceful shutdown ran: " + output);
    }
}
