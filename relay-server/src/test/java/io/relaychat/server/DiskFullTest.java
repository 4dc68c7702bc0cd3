package io.relaychat.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaychat.server.Api.Account;
import io.relaychat.testkit.Await;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server on its SQLite store, on a real disk that fills up: a tmpfs of its own holding RELAY_DATA_DIR and
 * RELAY_UPLOAD_DIR, filled by a file written until ENOSPC. Every send is answered, stored or storage_unavailable,
 * never acknowledged unstored; readiness says 503; an upload is refused as storage unavailable and leaves no file;
 * the outage is one warning, and counted; and once the filler is deleted the node is ready again and takes the
 * retries without a restart, history holding every acknowledged message with dense seqs. A data folder that turns
 * read-only under the running server (ext4 after a disk error) fails the same way, and after a check and a restart
 * nothing acknowledged is lost; an upload folder remounted read-only refuses uploads the same way; a data folder
 * that cannot be written stops start-up naming it. Skipped where the file systems cannot be mounted (not root, no
 * CAP_SYS_ADMIN, no loop device).
 */
@IntegrationTest
class DiskFullTest {
    /** Room for the database, its log and a few uploads; small enough to fill in a moment. */
    private static final String DISK_SIZE = "16m";
    /** The warning the writer logs as an outage starts, once however many sends fail. */
    private static final String OUTAGE_WARNING = "SQLite store cannot write";

    @TempDir
    Path mountPoint;

    @Test
    void givenTheDiskFillsWhileClientsSend_thenEveryFailedSendIsToldAndOnceSpaceIsBackTheRetriesAreStoredWithoutARestart()
            throws IOException {
        try (Tmpfs disk = Tmpfs.mount(mountPoint, DISK_SIZE); ErrorLog log = ErrorLog.capture()) {
            int metricsPort = freePort();
            Path uploads = disk.root().resolve("uploads");
            Map<String, String> env = Map.of("RELAY_STORAGE", "sqlite",
                    "RELAY_DATA_DIR", disk.root().resolve("data").toString(),
                    "RELAY_UPLOAD_DIR", uploads.toString(),
                    "RELAY_METRICS_PORT", String.valueOf(metricsPort),
                    "RELAY_SEND_RATE_PER_SECOND", "0");
            Map<String, Long> acked = new LinkedHashMap<>();
            Account ann;
            String room;
            try (RunningServer server = RunningServer.start(env)) {
                Api api = new Api(server);
                ann = api.register("ann");
                Account bob = api.register("bob");
                room = api.createRoom(ann, "on a small disk", bob);
                try (WsClient annSocket = WsClient.connect(server.ws(ann.token()));
                     WsClient bobSocket = WsClient.connect(server.ws(bob.token()))) {
                    annSocket.join(room);
                    bobSocket.join(room);
                    Senders senders = new Senders(room, annSocket, bobSocket);
                    assertEquals(List.of(), senders.burst("before", 5, acked), "all stored while there is room");

                    disk.fill();
                    int mark = log.mark();
                    int storedBefore = acked.size();
                    List<String> failed = new ArrayList<>();
                    int sentOnTheFullDisk = 0;
                    for (int burst = 0; burst < 20 && failed.size() < 10; burst++) {
                        failed.addAll(senders.burst("full-" + burst, 5, acked));
                        sentOnTheFullDisk += 10;
                    }
                    int storedOnTheFullDisk = acked.size() - storedBefore;
                    assertTrue(failed.size() >= 10, "sends on the full disk fail, each answered storage_unavailable: "
                            + failed.size() + " failed, " + acked.size() + " stored");

                    Api.Response notReady = awaitReadiness(api, 503);
                    assertEquals("down", notReady.body().path("store").path("state").asText(), notReady.body().toString());
                    String why = notReady.body().path("store").path("error").asText();
                    assertTrue(why.contains("SQLITE_FULL") || why.contains("disk"), "readiness says why: " + why);
                    assertFalse(why.contains(disk.root().toString()), "naming no folder: " + why);

                    Api.Response upload = api.upload("photo.png", new byte[256 * 1024], ann.token());
                    assertEquals(503, upload.status(), "an upload the disk cannot take: " + upload.body());
                    assertEquals("storage_unavailable", upload.code());
                    assertEquals(List.of(), filesIn(uploads), "nothing of the upload is left behind");

                    double storeErrors = Scrape.of(metricsPort).value("relay_store_errors_total");
                    assertTrue(storeErrors >= failed.size(), "each failed append counted: " + storeErrors);
                    List<String> warnings = log.since(mark).stream().filter(line -> line.contains(OUTAGE_WARNING)).toList();
                    assertEquals(1, warnings.size(), "one warning for the outage, not one per send: " + warnings);
                    assertTrue(warnings.get(0).contains("SQLITE_FULL"), "with its cause: " + warnings.get(0));

                    disk.free();
                    awaitReadiness(api, 200); // no client wrote meanwhile: the probe's own write ended the outage
                    List<String> retriedAgain = senders.retry(failed, acked);
                    assertEquals(List.of(), retriedAgain, "every retry stored once space is back");
                    assertEquals(List.of(), senders.burst("after", 5, acked), "and what comes next");
                    assertEquals(200, api.upload("photo.png", new byte[256 * 1024], ann.token()).status());
                    System.out.printf("disk full: %d sent on the full disk, %d failed, %d stored anyway; "
                                    + "relay_store_errors_total %.0f; %d acknowledged in all%n",
                            sentOnTheFullDisk, failed.size(), storedOnTheFullDisk, storeErrors, acked.size());
                }
            }

            try (RunningServer restarted = RunningServer.start(env)) {
                Api api = new Api(restarted);
                assertEquals(acked, history(api, login(api, ann), room),
                        "every acknowledged message, with the seq it was acknowledged with, and no other");
            }
        }
    }

    @Test
    void givenTheDataFolderTurnsReadOnlyUnderTheRunningServer_thenSendsFailAsOnAFullDiskAndNothingAcknowledgedIsLost(
            @TempDir Path images) throws Exception {
        try (Ext4Disk disk = Ext4Disk.mount(images.resolve("disk.img"), "32M", mountPoint); ErrorLog log = ErrorLog.capture()) {
            Path uploads = mountPoint.resolve("uploads");
            Map<String, String> env = Map.of("RELAY_STORAGE", "sqlite",
                    "RELAY_DATA_DIR", mountPoint.resolve("data").toString(),
                    "RELAY_UPLOAD_DIR", uploads.toString(),
                    "RELAY_SEND_RATE_PER_SECOND", "0");
            Map<String, Long> acked = new LinkedHashMap<>();
            List<String> failed = new ArrayList<>();
            Account ann;
            Account bob;
            String room;
            try (RunningServer server = RunningServer.start(env)) {
                Api api = new Api(server);
                ann = api.register("ann");
                bob = api.register("bob");
                room = api.createRoom(ann, "on a failing disk", bob);
                try (WsClient annSocket = WsClient.connect(server.ws(ann.token()));
                     WsClient bobSocket = WsClient.connect(server.ws(bob.token()))) {
                    annSocket.join(room);
                    bobSocket.join(room);
                    Senders senders = new Senders(room, annSocket, bobSocket);
                    assertEquals(List.of(), senders.burst("before", 5, acked));
                    assertEquals(200, api.upload("before.png", new byte[64 * 1024], ann.token()).status());
                    List<Path> uploaded = filesIn(uploads);

                    disk.failReadOnly();
                    int mark = log.mark();
                    for (int burst = 0; burst < 20 && failed.size() < 10; burst++) {
                        failed.addAll(senders.burst("read-only-" + burst, 5, acked));
                    }
                    assertTrue(failed.size() >= 10, "sends on the read-only folder fail, each answered "
                            + "storage_unavailable: " + failed.size() + " failed, " + acked.size() + " stored");
                    Api.Response notReady = awaitReadiness(api, 503);
                    assertEquals("down", notReady.body().path("store").path("state").asText(), notReady.body().toString());
                    Api.Response upload = api.upload("photo.png", new byte[64 * 1024], ann.token());
                    assertEquals(503, upload.status(), "an upload the folder cannot take: " + upload.body());
                    assertEquals(uploaded, filesIn(uploads), "nothing of the upload is left behind");
                    List<String> warnings = log.since(mark).stream().filter(line -> line.contains(OUTAGE_WARNING)).toList();
                    assertEquals(1, warnings.size(), "one warning for the outage, not one per send: " + warnings);
                    System.out.printf("read-only: %d failed, %d acknowledged before; readiness: %s; %s%n", failed.size(),
                            acked.size(), notReady.body().path("store").path("error").asText(), warnings.get(0));
                }
            }

            // What an operator does: the file system checked and mounted again, the server started on it.
            disk.unmountAndCheck();
            disk.mountAgain();
            try (RunningServer restarted = RunningServer.start(env)) {
                Api api = new Api(restarted);
                String annToken = login(api, ann);
                try (WsClient annSocket = WsClient.connect(restarted.ws(annToken));
                     WsClient bobSocket = WsClient.connect(restarted.ws(login(api, bob)))) {
                    annSocket.join(room);
                    bobSocket.join(room);
                    Senders senders = new Senders(room, annSocket, bobSocket);
                    senders.adopt(failed);
                    assertEquals(List.of(), senders.retry(failed, acked), "every failed send stored when retried");
                }
                assertEquals(acked, history(api, annToken, room), "every acknowledged message with its seq, and no other");
            }
        }
    }

    @Test
    void givenTheUploadFolderBecomesReadOnly_thenAnUploadIsRefusedAsStorageUnavailableAndTakenOnceItIsWritableAgain(
            @TempDir Path data) throws IOException {
        try (Tmpfs uploads = Tmpfs.mount(mountPoint, "4m");
             RunningServer server = RunningServer.start(Map.of("RELAY_STORAGE", "sqlite",
                     "RELAY_DATA_DIR", data.toString(), "RELAY_UPLOAD_DIR", uploads.root().toString()))) {
            Api api = new Api(server);
            Account ann = api.register("ann");
            assertEquals(200, api.upload("before.png", new byte[64 * 1024], ann.token()).status());
            List<Path> before = filesIn(uploads.root());

            uploads.remount(true);
            try {
                Api.Response refused = api.upload("photo.png", new byte[64 * 1024], ann.token());
                assertEquals(503, refused.status(), "a folder that cannot be written: " + refused.body());
                assertEquals("storage_unavailable", refused.code());
                assertEquals(before, filesIn(uploads.root()), "nothing new in the folder");
            } finally {
                uploads.remount(false);
            }
            assertEquals(200, api.upload("photo.png", new byte[64 * 1024], ann.token()).status(), "writable again");
        }
    }

    @Test
    void aDataFolderThatCannotBeWrittenStopsStartUpNamingIt() {
        try (Tmpfs readOnly = Tmpfs.mountReadOnly(mountPoint, "1m")) {
            Path data = readOnly.root();
            RuntimeException refused = assertThrows(RuntimeException.class, () -> RunningServer.start(Map.of(
                    "RELAY_STORAGE", "sqlite", "RELAY_DATA_DIR", data.toString())).close());
            Throwable configError = refused;
            while (!(configError instanceof ConfigException) && configError.getCause() != null) {
                configError = configError.getCause();
            }
            assertTrue(configError instanceof ConfigException, "a configuration error: " + refused);
            String why = configError.getMessage();
            assertTrue(why.contains(data.toString()) && why.contains("cannot be written"), "names the folder: " + why);
        }
    }

    /**
     * Both users sending at once, each a few messages without waiting, so that the writer takes them in batches of
     * several; every send has a client_id and is answered, by its echo or by an error frame carrying it.
     */
    private static final class Senders {
        private final String room;
        private final WsClient[] sockets;
        private final Map<String, WsClient> senderOf = new LinkedHashMap<>();
        /** How many answers each client_id has had once its latest send is answered. */
        private final Map<String, Integer> answersDue = new LinkedHashMap<>();

        Senders(String room, WsClient... sockets) {
            this.room = room;
            this.sockets = sockets;
        }

        /** Sends {@code each} per user; records the stored ones in {@code acked}; answers the client_ids that failed. */
        List<String> burst(String name, int each, Map<String, Long> acked) {
            List<String> sent = new ArrayList<>();
            for (int s = 0; s < sockets.length; s++) {
                for (int i = 0; i < each; i++) {
                    String clientId = name + "-" + s + "-" + i;
                    senderOf.put(clientId, sockets[s]);
                    send(clientId);
                    sent.add(clientId);
                }
            }
            return answers(sent, acked);
        }

        /** Takes over client_ids another Senders made (on a server since restarted), each for the same user. */
        void adopt(List<String> clientIds) {
            for (String clientId : clientIds) {
                String[] parts = clientId.split("-");
                senderOf.put(clientId, sockets[Integer.parseInt(parts[parts.length - 2])]);
            }
        }

        /** Sends each of {@code clientIds} again, from the socket that sent it first. */
        List<String> retry(List<String> clientIds, Map<String, Long> acked) {
            clientIds.forEach(this::send);
            return answers(clientIds, acked);
        }

        private void send(String clientId) {
            answersDue.merge(clientId, 1, Integer::sum);
            senderOf.get(clientId).send(Map.of("action", "send_message", "room_id", room,
                    "content", "message " + clientId, "client_id", clientId));
        }

        private List<String> answers(List<String> clientIds, Map<String, Long> acked) {
            List<String> failed = new ArrayList<>();
            for (String clientId : clientIds) {
                WsClient socket = senderOf.get(clientId);
                int due = answersDue.get(clientId);
                Await.until("answer " + due + " to " + clientId, Duration.ofSeconds(20),
                        () -> answersTo(socket, clientId).size() >= due);
                JsonNode answer = answersTo(socket, clientId).get(due - 1);
                if (answer.path("type").asText().equals("chat_message")) {
                    Long before = acked.put(clientId, answer.path("seq").asLong());
                    assertTrue(before == null || before == answer.path("seq").asLong(), "a client_id keeps its seq");
                } else {
                    assertEquals("storage_unavailable", answer.path("code").asText(), answer.toString());
                    assertFalse(acked.containsKey(clientId), "never acknowledged, then failed: " + clientId);
                    failed.add(clientId);
                }
            }
            return failed;
        }

        private static List<JsonNode> answersTo(WsClient socket, String clientId) {
            return socket.frames().stream().filter(frame -> {
                String type = frame.path("type").asText();
                return (type.equals("chat_message") || type.equals("error"))
                        && frame.path("client_id").asText().equals(clientId);
            }).toList();
        }
    }

    private static String login(Api api, Account account) {
        return api.post("/api/auth/login", Map.of("email", account.email(), "password", "password-of-" + account.username()),
                null).body().path("access_token").asText();
    }

    /** The room's stored messages, client_id to seq, after checking that their seqs are dense from 1. */
    private static Map<String, Long> history(Api api, String token, String room) {
        JsonNode history = api.get("/api/rooms/" + room + "/messages?limit=100", token).body();
        Map<String, Long> stored = new LinkedHashMap<>();
        List<Long> seqs = new ArrayList<>();
        history.forEach(message -> {
            stored.put(message.path("client_id").asText(), message.path("seq").asLong());
            seqs.add(message.path("seq").asLong());
        });
        assertEquals(LongStream.rangeClosed(1, seqs.size()).boxed().toList(), seqs, "seqs dense, none lost");
        return stored;
    }

    private static Api.Response awaitReadiness(Api api, int status) {
        Api.Response[] last = new Api.Response[1];
        try {
            Await.until("/api/ready " + status, Duration.ofSeconds(15), () -> {
                last[0] = api.get("/api/ready", null);
                return last[0].status() == status;
            });
        } catch (AssertionError timedOut) {
            throw new AssertionError(timedOut.getMessage() + "; last answer " + last[0].status() + " " + last[0].body(),
                    timedOut);
        }
        return last[0];
    }

    private static List<Path> filesIn(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
