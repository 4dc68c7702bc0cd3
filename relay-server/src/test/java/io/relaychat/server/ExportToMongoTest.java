package io.relaychat.server;

import com.fasterxml.jackson.databind.JsonNode;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.relaychat.adapter.mongo.MongoSettings;
import io.relaychat.adapter.mongo.MongoStorage;
import io.relaychat.ports.model.User;
import io.relaychat.ports.model.UserAccount;
import io.relaychat.ports.model.UserId;
import io.relaychat.server.Api.Account;
import io.relaychat.testkit.Await;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code relay-server export}: a deployment built through a real server on its SQLite store, copied into MongoDB (the
 * MongoDB-wire-compatible server in this JVM), is what a server on MongoDB serves afterwards — the same accounts and
 * passwords, rooms and members, histories with their ids and seqs, uploads, seqs that go on, client ids that still
 * dedupe — and a second run adds nothing. It refuses a folder a server holds, a folder without a store, and a MongoDB
 * it cannot reach.
 */
@IntegrationTest
class ExportToMongoTest {
    private static final byte[] PICTURE = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 42, (byte) 0xff};

    @TempDir
    Path data;
    /** Where a server keeps uploads by default: in its data folder. */
    private Path uploads;

    private MongoServer mongo;
    private String mongoUrl;
    private String dbName;

    @BeforeEach
    void startMongo() {
        uploads = data.resolve("uploads");
        mongo = new MongoServer(new MemoryBackend());
        mongo.bind("127.0.0.1", 0);
        mongoUrl = "mongodb://127.0.0.1:" + mongo.getLocalAddress().getPort();
        dbName = "relay_" + UUID.randomUUID().toString().replace("-", "");
    }

    @AfterEach
    void stopMongo() {
        mongo.shutdownNow();
    }

    private Map<String, String> onSqlite() {
        return Map.of("RELAY_STORAGE", "sqlite", "RELAY_DATA_DIR", data.toString(), "RELAY_UPLOAD_DIR", uploads.toString(),
                "RELAY_SEND_RATE_PER_SECOND", "0");
    }

    private Map<String, String> onMongo() {
        return Map.of("MONGO_URL", mongoUrl, "DB_NAME", dbName, "RELAY_MONGO_TIMEOUT_MS", "2000");
    }

    /** What the deployment held, as its users saw it before the move. */
    private record Before(Account ann, Account bob, Account cid, String lobby, String secret, String random, String url,
                          Map<String, List<JsonNode>> histories, Map<String, JsonNode> roomsByUser) {
    }

    @Test
    void aDeploymentExportedFromSqliteIsServedOnMongoAsItWasAndASecondRunAddsNothing() throws Exception {
        Before before = buildOnSqlite();

        // As an operator runs it: the folder named, its uploads found beside the database.
        ProcessRun first = process(List.of("export", "--to", mongoUrl + "/" + dbName, "--from", data.toString()), Map.of());
        assertEquals(0, first.exit(), first.toString());
        assertTrue(first.out().contains("users: 3 copied, 0 already there"), first.toString());
        assertTrue(first.out().contains("rooms: 3 copied, 0 already there"), first.toString());
        assertTrue(first.out().contains("messages: 300 copied, 0 already there"), first.toString());
        assertTrue(first.out().contains("uploads: 1 copied, 0 already there"), first.toString());
        assertTrue(first.out().contains("export done: 307 new, 0 already there"), first.toString());

        long lobbyLast = before.histories().get(before.lobby()).size();
        try (RunningServer server = RunningServer.start(onMongo())) {
            Api api = new Api(server);
            Account ann = login(api, before.ann());
            Account bob = login(api, before.bob());
            Account cid = login(api, before.cid());
            assertEquals(before.ann().id(), ann.id(), "the same account, signed in with the old password");

            for (Account user : List.of(ann, bob, cid)) {
                assertEquals(sortedById(before.roomsByUser().get(user.username())), sortedById(api.get("/api/rooms", user.token()).body()),
                        user.username() + "'s rooms, with their names, types and members");
            }
            assertEquals(0, api.get("/api/rooms", cid.token()).body().size(), "cid is in no room");
            List<String> discovered = new ArrayList<>();
            api.get("/api/rooms/discover/all", cid.token()).body().forEach(room -> discovered.add(room.path("id").asText()));
            assertTrue(discovered.containsAll(List.of(before.lobby(), before.random())), discovered.toString());
            assertFalse(discovered.contains(before.secret()), "the private room is not shown to a non-member");
            assertEquals(403, api.get("/api/rooms/" + before.secret() + "/messages", cid.token()).status());

            int total = 0;
            for (Map.Entry<String, List<JsonNode>> room : before.histories().entrySet()) {
                List<JsonNode> history = allMessages(api, ann.token(), room.getKey());
                assertEquals(room.getValue(), history, "room " + room.getKey() + ": ids, seqs, texts, client ids, times, order");
                total += history.size();
            }
            assertEquals(300, total);
            assertArrayEquals(PICTURE, api.get(before.url(), null).raw().body(), "the upload serves the same bytes");

            try (WsClient ws = WsClient.connect(server.ws(ann.token()))) {
                ws.join(before.lobby());
                ws.say(before.lobby(), "after the move");
                ws.awaitMessages(1);
                assertEquals(lobbyLast + 1, ws.seqs().get(0), "a new message takes the room's next seq");

                JsonNode exported = before.histories().get(before.lobby()).get(7);
                ws.send(Map.of("action", "send_message", "room_id", before.lobby(), "content", "a retry",
                        "client_id", exported.path("client_id").asText()));
                ws.awaitMessages(2);
                JsonNode answer = ws.chatMessages().get(1);
                assertEquals(exported.path("id").asText(), answer.path("id").asText(), "the retry is answered with the stored message");
                assertEquals(exported.path("seq").asLong(), answer.path("seq").asLong());
            }
            assertEquals(lobbyLast + 1, allMessages(api, ann.token(), before.lobby()).size(), "the retry is not stored twice");
        }

        Map<String, String> env = new HashMap<>(onSqlite());
        env.put("DB_NAME", dbName);
        ProcessRun second = inProcess(List.of("export", "--to", mongoUrl), env);
        assertEquals(0, second.exit(), second.toString());
        assertTrue(second.out().contains("users: 0 copied, 3 already there"), second.toString());
        assertTrue(second.out().contains("rooms: 0 copied, 3 already there"), second.toString());
        assertTrue(second.out().contains("messages: 0 copied, 300 already there"), second.toString());
        assertTrue(second.out().contains("uploads: 0 copied, 1 already there"), second.toString());
        assertTrue(second.out().contains("export done: 0 new, 307 already there"), second.toString());

        try (RunningServer server = RunningServer.start(onMongo())) {
            Api api = new Api(server);
            Account ann = login(api, before.ann());
            assertEquals(lobbyLast + 1, allMessages(api, ann.token(), before.lobby()).size(), "nothing was added");
            try (WsClient ws = WsClient.connect(server.ws(ann.token()))) {
                ws.join(before.lobby());
                ws.say(before.lobby(), "after the second run");
                ws.awaitMessages(1);
                assertEquals(lobbyLast + 2, ws.seqs().get(0), "the room's seq did not go back");
            }
        }
    }

    @Test
    void anAccountMongoDbHoldsUnderTheSameEmailIsNotOverwrittenAndTheRunSaysSo() {
        Account ann;
        try (RunningServer server = RunningServer.start(onSqlite())) {
            ann = new Api(server).register("ann");
            new Api(server).register("bob");
        }
        try (MongoStorage target = MongoStorage.open(MongoSettings.of(mongoUrl, dbName))) {
            Await.result(target.users().insertIfEmailFree(new UserAccount(new User(new UserId("someone-else"),
                    "ANN@example.com", "another ann", Instant.now()), "$2a$04$not-the-same-hash")));
        }

        ProcessRun run = inProcess(List.of("export", "--to", mongoUrl + "/" + dbName), onSqlite());

        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.err().contains("not copied: user " + ann.id() + " (ann@example.com)"), run.toString());
        assertTrue(run.err().contains("1 record(s) not copied"), run.toString());
        assertTrue(run.out().contains("users: 1 copied, 0 already there"), "bob is copied all the same: " + run);
    }

    @Test
    void whileAServerHoldsTheFolderTheExportRefusesNamingTheLockFile() {
        try (RunningServer server = RunningServer.start(onSqlite())) {
            new Api(server).register("ann");
            ProcessRun refused = inProcess(List.of("export", "--to", mongoUrl + "/" + dbName), onSqlite());

            assertEquals(1, refused.exit(), refused.toString());
            assertTrue(refused.err().contains(data.resolve("relay.lock").toString()), refused.toString());
            assertEquals(200, new Api(server).get("/api/ready", null).status(), "the server goes on serving");
        }
    }

    @Test
    void aFolderWithoutAStoreIsRefusedAndLeftAsItWas(@TempDir Path empty) throws IOException {
        ProcessRun missing = inProcess(List.of("export", "--to", mongoUrl, "--from", empty.resolve("nothing").toString()), Map.of());
        assertEquals(1, missing.exit(), missing.toString());
        assertTrue(missing.err().contains("there is no data folder " + empty.resolve("nothing")), missing.toString());
        assertFalse(Files.exists(empty.resolve("nothing")));

        ProcessRun none = inProcess(List.of("export", "--to", mongoUrl, "--from", empty.toString()), Map.of());
        assertEquals(1, none.exit(), none.toString());
        assertTrue(none.err().contains("has no database: relay.db is missing"), none.toString());
        try (var left = Files.list(empty)) {
            assertEquals(0, left.count(), "no database or lock file created");
        }
    }

    @Test
    void aMongoDbThatCannotBeReachedIsRefusedWithinTheTimeout() throws IOException {
        try (RunningServer server = RunningServer.start(onSqlite())) {
            new Api(server).register("ann");
        }
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Map<String, String> env = new HashMap<>(onSqlite());
        env.put("RELAY_MONGO_TIMEOUT_MS", "300");
        ProcessRun unreachable = inProcess(List.of("export", "--to", "mongodb://127.0.0.1:" + closedPort + "/relay"), env);

        assertEquals(1, unreachable.exit(), unreachable.toString());
        assertTrue(unreachable.err().contains("cannot reach MongoDB at 127.0.0.1:" + closedPort), unreachable.toString());
        try (RunningServer again = RunningServer.start(onSqlite())) {
            assertEquals(200, new Api(again).get("/api/ready", null).status(), "the folder is free again");
        }
    }

    /** Three users, a public room, a private one and another, 300 messages with client ids, an upload. */
    private Before buildOnSqlite() {
        try (RunningServer server = RunningServer.start(onSqlite())) {
            Api api = new Api(server);
            Account ann = api.register("ann");
            Account bob = api.register("bob");
            Account cid = api.register("cid");
            String lobby = api.createRoom(ann, "lobby", bob);
            String secret = api.createRoom(ann, "secret", "private", bob);
            String random = api.createRoom(bob, "random");
            String url = api.upload("cat.png", PICTURE, ann.token()).body().path("url").asText();
            try (WsClient ws = WsClient.connect(server.ws(ann.token()))) {
                ws.join(lobby);
                ws.join(secret);
                ws.send(Map.of("action", "send_message", "room_id", lobby, "content", "a picture", "attachments", List.of(url),
                        "client_id", "ann-lobby-0"));
                for (int i = 1; i < 120; i++) {
                    ws.send(Map.of("action", "send_message", "room_id", lobby, "content", "ann in the lobby " + i,
                            "client_id", "ann-lobby-" + i));
                }
                for (int i = 0; i < 60; i++) {
                    ws.send(Map.of("action", "send_message", "room_id", secret, "content", "ann in secret " + i,
                            "client_id", "ann-secret-" + i));
                }
                ws.awaitMessages(180);
            }
            try (WsClient ws = WsClient.connect(server.ws(bob.token()))) {
                ws.join(random);
                ws.join(lobby);
                for (int i = 0; i < 80; i++) {
                    ws.send(Map.of("action", "send_message", "room_id", random, "content", "bob alone " + i,
                            "client_id", "bob-random-" + i));
                }
                for (int i = 0; i < 40; i++) {
                    ws.send(Map.of("action", "send_message", "room_id", lobby, "content", "bob in the lobby " + i,
                            "client_id", "bob-lobby-" + i));
                }
                ws.awaitMessages(120);
            }
            api.post("/api/rooms/" + random + "/join", null, ann.token());
            Map<String, List<JsonNode>> histories = new LinkedHashMap<>();
            for (String room : List.of(lobby, secret, random)) {
                histories.put(room, allMessages(api, ann.token(), room));
            }
            assertEquals(160, histories.get(lobby).size());
            assertEquals(url, histories.get(lobby).get(0).path("attachments").path(0).asText());
            Map<String, JsonNode> roomsByUser = new HashMap<>();
            for (Account user : List.of(ann, bob, cid)) {
                roomsByUser.put(user.username(), api.get("/api/rooms", user.token()).body());
            }
            return new Before(ann, bob, cid, lobby, secret, random, url, histories, roomsByUser);
        }
    }

    private static Account login(Api api, Account before) {
        Api.Response login = api.post("/api/auth/login",
                Map.of("email", before.email(), "password", "password-of-" + before.username()), null);
        assertEquals(200, login.status(), before.username() + " signs in with the old password: " + login.body());
        return new Account(login.body().path("user").path("id").asText(), before.email(), before.username(),
                login.body().path("access_token").asText());
    }

    private static List<JsonNode> sortedById(JsonNode rooms) {
        List<JsonNode> sorted = new ArrayList<>();
        rooms.forEach(sorted::add);
        sorted.sort(Comparator.comparing(room -> room.path("id").asText()));
        return sorted;
    }

    /** The whole history of a room, oldest first, paging back with before_seq. */
    private static List<JsonNode> allMessages(Api api, String token, String room) {
        List<JsonNode> newestPagesFirst = new ArrayList<>();
        String cursor = "";
        while (true) {
            Api.Response response = api.get("/api/rooms/" + room + "/messages?limit=100" + cursor, token);
            assertEquals(200, response.status(), response.body().toString());
            if (response.body().isEmpty()) {
                return newestPagesFirst;
            }
            List<JsonNode> items = new ArrayList<>();
            response.body().forEach(items::add);
            newestPagesFirst.addAll(0, items);
            cursor = "&before_seq=" + items.get(0).path("seq").asLong();
        }
    }

    /** The command in this JVM, on the given environment. */
    private static ProcessRun inProcess(List<String> args, Map<String, String> env) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = ExportCommand.run(args.subList(1, args.size()), env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new ProcessRun(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** As an operator runs it: the server's main in a JVM of its own, with these arguments. */
    private static ProcessRun process(List<String> args, Map<String, String> env) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ProcessRun.java(), "-cp", System.getProperty("java.class.path"),
                RelayServerMain.class.getName()));
        command.addAll(args);
        return ProcessRun.toEnd(command, environment -> {
            environment.keySet().removeIf(name -> name.equals("MONGO_URL") || name.equals("DB_NAME")
                    || name.equals("REDIS_URL") || name.startsWith("RELAY_"));
            environment.putAll(env);
        }, Duration.ofSeconds(60));
    }
}
