package io.relaychat.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaychat.server.Api.Account;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server on its SQLite store (RELAY_STORAGE=sqlite): what it was told survives a restart on the same folder —
 * accounts, rooms, messages with their seqs, a client_id's dedupe — and a second server on a folder the first holds
 * does not start, naming the lock.
 */
@IntegrationTest
class SqliteStorageServerTest {
    @TempDir
    Path data;

    private Map<String, String> onSqlite() {
        return Map.of("RELAY_STORAGE", "sqlite", "RELAY_DATA_DIR", data.toString());
    }

    @Test
    void whatWasStoredOutlivesARestartOnTheSameFolder() {
        Account ann;
        String room;
        long firstSeq;
        try (RunningServer server = RunningServer.start(onSqlite())) {
            Api api = new Api(server);
            ann = api.register("ann");
            room = api.createRoom(ann, "kept");
            try (WsClient ws = WsClient.connect(server.ws(ann.token()))) {
                ws.join(room);
                ws.send(Map.of("action", "send_message", "room_id", room, "content", "before the restart", "client_id", "c-1"));
                ws.awaitMessages(1);
                firstSeq = ws.seqs().get(0);
            }
        }
        assertTrue(Files.exists(data.resolve("relay.db")), "the database is in RELAY_DATA_DIR");

        try (RunningServer server = RunningServer.start(onSqlite())) {
            Api api = new Api(server);
            JsonNode login = api.post("/api/auth/login", Map.of("email", ann.email(), "password", "password-of-ann"), null).body();
            String token = login.path("access_token").asText();
            assertEquals(ann.id(), login.path("user").path("id").asText(), "the account is the one registered before");
            JsonNode rooms = api.get("/api/rooms", token).body();
            assertEquals(room, rooms.get(0).path("id").asText());
            try (WsClient ws = WsClient.connect(server.ws(token))) {
                ws.join(room);
                ws.send(Map.of("action", "send_message", "room_id", room, "content", "before the restart", "client_id", "c-1"));
                ws.send(Map.of("action", "send_message", "room_id", room, "content", "after it", "client_id", "c-2"));
                ws.awaitMessages(2);
                assertEquals(List.of(firstSeq, firstSeq + 1), ws.seqs(), "the retry is the stored message; seqs go on");
            }
            JsonNode history = api.get("/api/rooms/" + room + "/messages", token).body();
            assertEquals(2, history.size(), "the retry of c-1 was not stored again");
            assertEquals("before the restart", history.get(0).path("content").asText());
            assertEquals("c-1", history.get(0).path("client_id").asText());
            assertEquals(firstSeq, history.get(0).path("seq").asLong());
        }
    }

    /**
     * The documented online backup: SQLite's own VACUUM INTO, run by another connection while the server serves and
     * writes, makes a consistent copy; a server started on a fresh folder holding only that copy serves it.
     */
    @Test
    void anOnlineBackupRestoredIntoAFreshFolderServesTheSameHistory(@TempDir Path restored) throws Exception {
        Account ann;
        String room;
        try (RunningServer server = RunningServer.start(onSqlite())) {
            Api api = new Api(server);
            ann = api.register("ann");
            room = api.createRoom(ann, "backed up");
            try (WsClient ws = WsClient.connect(server.ws(ann.token()))) {
                ws.join(room);
                for (int i = 1; i <= 20; i++) {
                    ws.say(room, "message " + i);
                }
                ws.awaitMessages(20);
                try (java.sql.Connection copy = java.sql.DriverManager.getConnection("jdbc:sqlite:" + data.resolve("relay.db"));
                     java.sql.Statement sql = copy.createStatement()) {
                    sql.execute("VACUUM INTO '" + restored.resolve("relay.db") + "'");
                }
                ws.say(room, "after the backup");
                ws.awaitMessages(21);
            }
        }
        Map<String, String> onTheCopy = Map.of("RELAY_STORAGE", "sqlite", "RELAY_DATA_DIR", restored.toString());
        try (RunningServer server = RunningServer.start(onTheCopy)) {
            Api api = new Api(server);
            String token = api.post("/api/auth/login", Map.of("email", ann.email(), "password", "password-of-ann"), null)
                    .body().path("access_token").asText();
            JsonNode history = api.get("/api/rooms/" + room + "/messages", token).body();
            assertEquals(20, history.size(), "the copy holds what was stored when it was made");
            assertEquals("message 20", history.get(19).path("content").asText());
            assertEquals(20, history.get(19).path("seq").asLong());
        }
    }

    @Test
    void aSecondServerOnAFolderTheFirstHoldsDoesNotStart() {
        try (RunningServer first = RunningServer.start(onSqlite())) {
            RuntimeException refused = assertThrows(RuntimeException.class, () -> RunningServer.start(onSqlite()).close());
            String why = refused.getMessage() + (refused.getCause() == null ? "" : " " + refused.getCause().getMessage());
            assertTrue(why.contains("relay.lock"), "names the lock: " + why);
            assertEquals(200, new Api(first).get("/api/ready", null).status(), "the first goes on serving");
        }
    }

    @Test
    void anUploadFolderThatCannotBeMadeStopsStartUpNamingItAndLeavesTheDataFolderFree() throws Exception {
        Path file = Files.writeString(data.resolve("not-a-folder"), "a file where the uploads should go");
        Path uploads = file.resolve("uploads");

        ConfigException refused = assertThrows(ConfigException.class, () -> RunningServer.start(
                Map.of("RELAY_STORAGE", "sqlite", "RELAY_DATA_DIR", data.toString(), "RELAY_UPLOAD_DIR", uploads.toString())));

        assertTrue(refused.getMessage().startsWith("the upload folder " + uploads + " cannot be used"), refused.getMessage());
        try (RunningServer next = RunningServer.start(onSqlite())) {
            assertEquals(200, new Api(next).get("/api/health", null).status(), "the store was closed: its lock is free");
        }
    }
}
