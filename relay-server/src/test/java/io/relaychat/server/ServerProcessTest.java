package io.relaychat.server;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real main in its own JVM: what an operator sees on start, on a bad setting, and on SIGTERM. */
@IntegrationTest
class ServerProcessTest {

    @Test
    void aBadSettingStopsStartUpWithAClearMessageAndNoStackTrace(@TempDir Path folder) throws Exception {
        Path log = folder.resolve("server.log");
        Process process = ServerProcess.launch(Map.of("PORT", "eighty", "RELAY_DATA_DIR", folder.toString()), log);

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

    @Test
    void startsWithNoServicesSaysWhichAdaptersItChoseAndStopsGracefullyOnSigterm(@TempDir Path data) throws Exception {
        ServerProcess server = ServerProcess.start(Map.of("HOST", "127.0.0.1", "RELAY_DATA_DIR", data.toString()));

        assertTrue(server.stop(), "stops by itself after SIGTERM");
        String output = server.log();
        assertTrue(output.contains("storage: SQLite at " + data.resolve("relay.db") + " (WAL, synchronous=FULL)"), output);
        assertTrue(output.contains("uploads: folder " + data.toRealPath().resolve("uploads")), output);
        assertTrue(output.contains("JWT_SECRET_KEY is not set; using a random secret"), output);
        assertTrue(output.contains("RelayChat ready in"), output);
        assertTrue(output.contains("stopped"), "graceful shutdown ran: " + output);
    }

    @Test
    void withNoSettingsAtAllWhatUsersSaidAndUploadedSurvivesARestart(@TempDir Path data) throws Exception {
        Map<String, String> env = Map.of("HOST", "127.0.0.1", "JWT_SECRET_KEY", RunningServer.SECRET,
                "RELAY_DATA_DIR", data.toString());
        Api.Account ann;
        String room;
        String upload;
        try (ServerProcess first = ServerProcess.start(env)) {
            Api api = new Api(first.http());
            ann = api.register("ann");
            room = api.createRoom(ann, "kept");
            upload = api.upload("notes.txt", "kept on disk".getBytes(StandardCharsets.UTF_8), ann.token())
                    .body().path("url").asText();
            try (WsClient ws = WsClient.connect(first.ws(ann.token()))) {
                ws.join(room);
                ws.say(room, "before the restart");
                ws.awaitMessages(1);
            }
        }
        try (ServerProcess second = ServerProcess.start(env)) {
            Api api = new Api(second.http());
            assertEquals(200, api.post("/api/auth/login", Map.of("email", ann.email(), "password", "password-of-ann"),
                    null).status(), "the account is still there");
            assertEquals("before the restart",
                    api.get("/api/rooms/" + room + "/messages", ann.token()).body().path(0).path("content").asText());
            assertEquals("kept on disk", new String(api.get(upload, null).raw().body(), StandardCharsets.UTF_8));
        }
        assertTrue(Files.isRegularFile(data.resolve("relay.db")), "the store is in the data folder");
        String stored = upload.substring(upload.lastIndexOf('/') + 1);
        assertTrue(Files.isRegularFile(data.resolve("uploads").resolve(stored)), "the upload is in the data folder too");
    }
}
