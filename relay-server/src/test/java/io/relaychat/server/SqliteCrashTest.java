package io.relaychat.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaychat.server.Api.Account;
import io.relaychat.testkit.Await;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server on its SQLite store, killed with SIGKILL in the middle of traffic (its own JVM: no shutdown hook runs,
 * nothing is flushed on the way out), then started again on the same folder. Whatever it had acknowledged is there:
 * every message echoed to its sender is in history with the seq it was echoed with, seqs are dense, nothing is
 * stored twice, and a client's retry of a send it never saw acknowledged is stored once. The same holds for rooms
 * created and files uploaded while it died: each one answered 200 is there afterwards.
 */
@IntegrationTest
class SqliteCrashTest {
    private static final int SENDERS = 3;
    /** Sends a client has out without their echo; under the per-socket bound of requests in flight. */
    private static final int WINDOW = 16;
    /** The kill comes once this many sends were echoed in all (or after KILL_AFTER, whichever is first). */
    private static final int ECHOES_BEFORE_KILL = 600;
    private static final Duration KILL_AFTER = Duration.ofSeconds(5);

    @TempDir
    Path data;

    private Map<String, String> env() {
        return Map.of("RELAY_STORAGE", "sqlite", "RELAY_DATA_DIR", data.toString(),
                "RELAY_UPLOAD_DIR", data.resolve("uploads").toString(), "JWT_SECRET_KEY", RunningServer.SECRET,
                "HOST", "127.0.0.1", "RELAY_SEND_RATE_PER_SECOND", "0", "RELAY_ROOMS_CREATED_PER_HOUR", "0",
                "RELAY_UPLOADS_PER_MINUTE", "0");
    }

    @Test
    void everyAcknowledgedMessageSurvivesAKillWithItsSeqAndEveryRetryIsStoredOnce() throws Exception {
        List<Account> users = new ArrayList<>();
        String room;
        Map<String, Long> acknowledged = new ConcurrentHashMap<>(); // client_id -> the seq its echo carried
        Map<String, Integer> sentBy = new ConcurrentHashMap<>();     // client_id -> the sender's index
        ServerProcess first = ServerProcess.start(env());
        try {
            Api api = new Api(first.http());
            for (int i = 0; i < SENDERS; i++) {
                users.add(api.register("sender" + i));
            }
            room = api.createRoom(users.get(0), "under fire", users.subList(1, SENDERS).toArray(Account[]::new));
            AtomicBoolean dead = new AtomicBoolean();
            List<Thread> senders = new ArrayList<>();
            List<WsClient> sockets = new ArrayList<>();
            for (int i = 0; i < SENDERS; i++) {
                WsClient ws = WsClient.connect(first.ws(users.get(i).token()));
                ws.join(room);
                sockets.add(ws);
                int sender = i;
                Thread thread = new Thread(() -> send(ws, sender, room, users.get(sender).id(), sentBy, acknowledged, dead),
                        "sender-" + i);
                thread.start();
                senders.add(thread);
            }
            try {
                Await.until("echoes before the kill", KILL_AFTER.plusSeconds(5),
                        () -> acknowledged.size() >= ECHOES_BEFORE_KILL);
            } catch (AssertionError slow) {
                // a slow machine: kill anyway, what was acknowledged so far is what must survive
            }
            first.kill();
            dead.set(true);
            for (Thread thread : senders) {
                thread.join(10_000);
            }
            for (WsClient ws : sockets) {
                ws.close();
            }
        } finally {
            first.kill();
        }
        Map<String, Long> acknowledgedBeforeTheKill = Map.copyOf(acknowledged);
        assertTrue(acknowledgedBeforeTheKill.size() > 0, "the kill came before any echo");

        try (ServerProcess second = ServerProcess.start(env())) {
            Api api = new Api(second.http());
            Map<String, JsonNode> stored = byClientId(history(api, room, users.get(0).token()));
            List<Long> seqs = stored.values().stream().map(m -> m.path("seq").asLong()).sorted().toList();
            for (int i = 0; i < seqs.size(); i++) {
                assertEquals(i + 1L, seqs.get(i), "seqs dense from 1, each once");
            }
            acknowledgedBeforeTheKill.forEach((clientId, seq) -> {
                JsonNode message = stored.get(clientId);
                assertTrue(message != null, clientId + " was echoed with seq " + seq + " but is not in history");
                assertEquals(seq.longValue(), message.path("seq").asLong(), clientId + "'s seq");
            });

            // Every client sends again what it never saw acknowledged, with the same client_id.
            Set<String> unacknowledged = new HashSet<>(sentBy.keySet());
            unacknowledged.removeAll(acknowledgedBeforeTheKill.keySet());
            for (int i = 0; i < SENDERS; i++) {
                int sender = i;
                List<String> mine = unacknowledged.stream().filter(id -> sentBy.get(id) == sender).sorted().toList();
                try (WsClient ws = WsClient.connect(second.ws(users.get(i).token()))) {
                    for (String clientId : mine) {
                        ws.send(Map.of("action", "send_message", "room_id", room, "content", clientId, "client_id", clientId));
                    }
                    Await.until(mine.size() + " retries echoed", Duration.ofSeconds(30), () -> ws.chatMessages().stream()
                            .filter(frame -> mine.contains(frame.path("client_id").asText())).count() == mine.size());
                }
            }
            List<JsonNode> after = history(api, room, users.get(0).token());
            Map<String, JsonNode> afterByClientId = byClientId(after);
            assertEquals(after.size(), afterByClientId.size(), "no client_id stored twice");
            assertEquals(sentBy.keySet(), afterByClientId.keySet(), "every send stored, once");
            List<Long> afterSeqs = after.stream().map(m -> m.path("seq").asLong()).sorted().toList();
            for (int i = 0; i < afterSeqs.size(); i++) {
                assertEquals(i + 1L, afterSeqs.get(i), "seqs still dense after the retries");
            }
            System.out.printf("SQLite crash: %d sent, %d acknowledged before SIGKILL, %d stored before the retries, %d after%n",
                    sentBy.size(), acknowledgedBeforeTheKill.size(), stored.size(), after.size());
        }
    }

    @Test
    void roomsCreatedAndFilesUploadedWhileTheServerDiesAreThereIfTheyWereAnswered() throws Exception {
        Account ann;
        Map<String, String> rooms = new ConcurrentHashMap<>();   // room id -> name, for each creation answered 200
        Map<String, byte[]> uploads = new ConcurrentHashMap<>(); // url -> bytes, for each upload answered 200
        ServerProcess first = ServerProcess.start(env());
        try {
            Api api = new Api(first.http());
            ann = api.register("ann");
            AtomicBoolean dead = new AtomicBoolean();
            Thread creator = new Thread(() -> {
                for (int n = 0; !dead.get() && n < 5_000; n++) {
                    try {
                        Api.Response answer = api.post("/api/rooms", Map.of("name", "room-" + n), ann.token());
                        if (answer.status() == 200) {
                            rooms.put(answer.body().path("id").asText(), "room-" + n);
                        }
                    } catch (RuntimeException | AssertionError refused) {
                        return; // the server is gone
                    }
                }
            }, "room-creator");
            Thread uploader = new Thread(() -> {
                for (int n = 0; !dead.get() && n < 5_000; n++) {
                    byte[] content = ("file " + n + " ").repeat(200).getBytes(StandardCharsets.UTF_8);
                    try {
                        Api.Response answer = api.upload("file-" + n + ".txt", content, ann.token());
                        if (answer.status() == 200) {
                            uploads.put(answer.body().path("url").asText(), content);
                        }
                    } catch (RuntimeException | AssertionError refused) {
                        return;
                    }
                }
            }, "uploader");
            creator.start();
            uploader.start();
            try {
                Await.until("rooms and uploads before the kill", Duration.ofSeconds(10),
                        () -> rooms.size() >= 40 && uploads.size() >= 10);
            } catch (AssertionError slow) {
                // kill anyway
            }
            first.kill();
            dead.set(true);
            creator.join(10_000);
            uploader.join(10_000);
        } finally {
            first.kill();
        }
        assertTrue(!rooms.isEmpty() && !uploads.isEmpty(), "nothing was answered before the kill");

        try (ServerProcess second = ServerProcess.start(env())) {
            Api api = new Api(second.http());
            Map<String, String> listed = new HashMap<>();
            api.get("/api/rooms", ann.token()).body().forEach(room -> listed.put(room.path("id").asText(), room.path("name").asText()));
            rooms.forEach((id, name) -> assertEquals(name, listed.get(id), "room " + name + " was answered 200"));
            uploads.forEach((url, content) -> {
                Api.Response file = api.get(url, ann.token());
                assertEquals(200, file.status(), url + " was answered 200");
                assertTrue(java.util.Arrays.equals(content, file.raw().body()), url + " has its bytes");
            });
            System.out.printf("SQLite crash: %d rooms and %d uploads answered before SIGKILL, all there after%n",
                    rooms.size(), uploads.size());
        }
    }

    private static void send(WsClient ws, int sender, String room, String userId, Map<String, Integer> sentBy,
                             Map<String, Long> acknowledged, AtomicBoolean dead) {
        int n = 0;
        int seen = 0;
        try {
            while (!dead.get() && n < 20_000) {
                List<JsonNode> frames = ws.chatMessages();
                for (; seen < frames.size(); seen++) {
                    JsonNode frame = frames.get(seen);
                    if (frame.path("user_id").asText().equals(userId) && frame.has("client_id")) {
                        acknowledged.put(frame.path("client_id").asText(), frame.path("seq").asLong());
                    }
                }
                long mineOut = sentBy.entrySet().stream().filter(e -> e.getValue() == sender)
                        .filter(e -> !acknowledged.containsKey(e.getKey())).count();
                if (mineOut >= WINDOW) {
                    Thread.sleep(1);
                    continue;
                }
                String clientId = String.format("s%d-%05d", sender, n++);
                sentBy.put(clientId, sender);
                ws.send(Map.of("action", "send_message", "room_id", room, "content", clientId, "client_id", clientId));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | AssertionError gone) {
            // the socket died with the server: what was sent and not echoed is retried after the restart
        }
    }

    /** The whole history of the room, oldest first, read page by page. */
    private static List<JsonNode> history(Api api, String room, String token) {
        List<JsonNode> all = new ArrayList<>();
        Long before = null;
        while (true) {
            JsonNode page = api.get("/api/rooms/" + room + "/messages?limit=100" + (before == null ? "" : "&before_seq=" + before),
                    token).body();
            List<JsonNode> messages = new ArrayList<>();
            page.forEach(messages::add);
            all.addAll(0, messages);
            if (messages.size() < 100) {
                return all;
            }
            before = messages.get(0).path("seq").asLong();
        }
    }

    private static Map<String, JsonNode> byClientId(List<JsonNode> messages) {
        Map<String, JsonNode> by = new HashMap<>();
        messages.forEach(message -> by.put(message.path("client_id").asText(), message));
        return by;
    }
}
