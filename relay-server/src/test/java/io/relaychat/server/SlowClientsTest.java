package io.relaychat.server;

import io.relaychat.server.Api.Account;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clients that are slow but honest, over real sockets against the real server: each is served to the end, while
 * one that truly stops, or one too many, is still let go. What only a real socket shows: the kernel's buffers,
 * and the reset a client gets when a server closes while it is still sending.
 */
@IntegrationTest
class SlowClientsTest {
    private static final String LONG = "x".repeat(4000);

    /**
     * Before, the core's catch-up pages went out with nothing to wait for, the whole backlog (here about 6 MB)
     * queued in one go, and the client was closed 1013, to come back, resume, and be closed again.
     */
    @Test
    void aResumingClientWithABacklogFarOverTheBoundGetsAllOfItAndStaysConnected() {
        try (RunningServer server = RunningServer.start(Map.of("RELAY_WS_MAX_QUEUED_BYTES", String.valueOf(2 * 1024 * 1024),
                "RELAY_SEND_RATE_PER_SECOND", "0"))) {
            Api api = new Api(server);
            Account ann = api.register("backlog-ann");
            Account bob = api.register("backlog-bob");
            String room = api.createRoom(ann, "backlog", bob);
            int messages = 1500;
            try (WsClient sender = WsClient.connect(server.ws(ann.token()))) {
                sender.join(room);
                for (int i = 0; i < messages; i++) {
                    sender.say(room, LONG);
                }
                sender.awaitMessages(messages);
            }

            try (WsClient resuming = WsClient.connect(server.ws(bob.token()))) {
                resuming.send(Map.of("action", "join_room", "room_id", room, "since_seq", 0));
                resuming.awaitMessages(messages);

                assertFalse(resuming.isClosed(), "closed with " + (resuming.isClosed() ? resuming.awaitCloseCode() : 0));
                assertEquals(messages, resuming.chatMessages().size());
            }
        }
    }

    @Test
    void aReaderThatStopsWhileItsRoomTalksIsStillClosed() throws Exception {
        try (RunningServer server = RunningServer.start(Map.of("RELAY_WS_MAX_QUEUED_BYTES", String.valueOf(1024 * 1024),
                "RELAY_SEND_RATE_PER_SECOND", "0"));
             RawHttp stopped = new RawHttp(server.port, 16 * 1024)) {
            Api api = new Api(server);
            Account ann = api.register("stop-ann");
            Account bob = api.register("stop-bob");
            String room = api.createRoom(ann, "stopped", bob);
            assertEquals(101, stopped.upgrade(bob.token()).status());
            stopped.sendText(("{\"action\":\"join_room\",\"room_id\":\"" + room + "\"}").getBytes(StandardCharsets.UTF_8));

            try (WsClient sender = WsClient.connect(server.ws(ann.token()))) {
                sender.join(room);
                for (int i = 0; i < 3000; i++) { // about 12 MB, more than the kernel's buffers and the bound together
                    sender.say(room, LONG);
                }
                sender.awaitMessages(3000);
            }

            assertNotNull(stopped.timeToClose(System.nanoTime(), Duration.ofSeconds(20)),
                    "a client that reads nothing is closed, not buffered for");
        }
    }

    /**
     * Before, the connection closed a second after the early 401 while the client was still sending its body: the
     * client got a reset, and a browser shows a network error instead of the answer.
     */
    @Test
    void anUploadRefusedBeforeItsBodyCanSendAllOfItForSecondsAndThenReadTheAnswer() throws Exception {
        try (RunningServer server = RunningServer.start();
             RawHttp upload = new RawHttp(server.port)) {
            int length = 8 * 1024 * 1024;
            upload.send("POST /api/upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                    + "Content-Length: " + length + "\r\n\r\n");
            byte[] chunk = new byte[256 * 1024];
            for (int sent = 0; sent < length; sent += chunk.length) {
                upload.socket.getOutputStream().write(chunk); // 8 MiB over about 3 s, as a browser on a modest link
                Thread.sleep(100);
            }

            RawHttp.Answer refused = upload.read(Duration.ofSeconds(5));

            assertEquals(401, refused.status());
            assertEquals("close", refused.header("connection"));
            assertNotNull(upload.timeToClose(System.nanoTime(), Duration.ofSeconds(5)), "then closed");
        }
    }

    /**
     * Before, the write timeout was a deadline for the whole answer: here 3 s, for 8 MiB read at about 900 KB/s
     * (the kernel takes a few MB at once, then lets the server write again only in steps of a megabyte or so).
     */
    @Test
    void aDownloadReadSlowlyIsNotCutWhileItKeepsMoving() throws Exception {
        try (RunningServer server = RunningServer.start(Map.of("RELAY_HTTP_WRITE_TIMEOUT_SECONDS", "3"))) {
            Api api = new Api(server);
            Account ann = api.register("download-ann");
            byte[] file = new byte[8 * 1024 * 1024];
            Api.Response uploaded = api.upload("big.bin", file, ann.token());
            assertEquals(200, uploaded.status(), String.valueOf(uploaded.body()));
            String url = uploaded.body().path("url").asText();

            try (RawHttp download = new RawHttp(server.port, 64 * 1024)) {
                long start = System.nanoTime();
                RawHttp.Answer head = download.send(RawHttp.get(url)).readHead(Duration.ofSeconds(5));
                assertEquals(200, head.status());
                assertEquals(String.valueOf(file.length), head.header("content-length"));
                InputStream in = download.socket.getInputStream();
                byte[] buffer = new byte[64 * 1024];
                long total = 0;
                try {
                    while (total < file.length) {
                        int read = in.read(buffer, 0, (int) Math.min(buffer.length, file.length - total));
                        if (read < 0) {
                            throw new EOFException("closed after " + total + " bytes");
                        }
                        total += read;
                        Thread.sleep(70); // about 900 KB/s at most
                    }
                } catch (IOException cut) {
                    throw new AssertionError("cut off after " + total + " of " + file.length + " bytes, "
                            + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms in", cut);
                }
                Duration took = Duration.ofNanos(System.nanoTime() - start);

                assertTrue(took.compareTo(Duration.ofSeconds(6)) > 0, "slow enough to pass the old deadline: "
                        + took.toMillis() + " ms");
            }
        }
    }

    /** Before, a connection over the node's limit that sent nothing held its file descriptor for the head timeout. */
    @Test
    void aConnectionOverTheNodesLimitIsClosedWithinAboutASecondEvenIfItSaysNothing() throws Exception {
        try (RunningServer server = RunningServer.start(Map.of("RELAY_MAX_CONNECTIONS", "4"))) {
            List<RawHttp> within = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    RawHttp connection = new RawHttp(server.port);
                    within.add(connection);
                    assertEquals(200, connection.send(RawHttp.get("/api/health")).read(Duration.ofSeconds(5)).status());
                }
                try (RawHttp over = new RawHttp(server.port)) {
                    long start = System.nanoTime();
                    Duration closed = over.timeToClose(start, Duration.ofSeconds(5));

                    assertNotNull(closed, "still open 5 s later");
                    assertTrue(closed.compareTo(Duration.ofSeconds(3)) < 0, "closed after " + closed.toMillis() + " ms");
                }
                assertNull(within.get(0).timeToClose(System.nanoTime(), Duration.ofMillis(1)), "the others go on");
            } finally {
                for (RawHttp socket : within) {
                    socket.close();
                }
            }
        }
    }
}
