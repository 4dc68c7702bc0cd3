package io.relaychat.server;

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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server in its own JVM, with 1 060 hostile connections at once, 1 000 of them held open: heads that stop
 * half-way, bodies that stall, connections that say nothing, and anonymous uploads of 8 MiB each. Meanwhile an
 * ordinary client registers, chats and reads history as if nothing were happening, and the server's resident
 * memory stays within a stated bound: nothing a hostile client sends is held beyond its route's bound, and an
 * upload without a good token is refused on its head, its body then read only to be dropped (so that the client
 * reads the 401 rather than a reset). Then every held connection is closed by the server within its timeout.
 * <p>
 * The timeouts are set to {@value #TIMEOUT_SECONDS} s here, and the minimum body rate off, so that the siege
 * surely lasts through the ordinary client's visit on a slow machine; their defaults are shorter.
 */
@IntegrationTest
class UnderSiegeTest {
    private static final int SLOW_HEADS = 450;
    private static final int STALLED_BODIES = 450;
    private static final int SILENT = 100;
    private static final int TIMEOUT_SECONDS = 15;
    /** How late after its timeout a held connection may be closed: the timers of a busy event loop run late. */
    private static final Duration CLOSE_MARGIN = Duration.ofSeconds(10);
    private static final int UPLOADS = 60;
    private static final int UPLOAD_BYTES = 8 * 1024 * 1024;
    /** What the server's RSS may grow by under the siege; the uploads alone would be 480 MiB if buffered. */
    private static final long MAX_GROWTH_BYTES = 96L * 1024 * 1024;

    @Test
    void anOrdinaryClientChatsWhileHostileConnectionsAreHeldOpenAndTheServersMemoryStaysBounded(@TempDir Path folder)
            throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Path log = folder.resolve("server.log");
        Process process = ServerProcess.launch(Map.of("PORT", String.valueOf(port), "HOST", "127.0.0.1",
                "JWT_SECRET_KEY", RunningServer.SECRET, "RELAY_BCRYPT_COST", "4",
                "RELAY_DATA_DIR", Files.createDirectory(folder.resolve("data")).toString(),
                "RELAY_UPLOAD_DIR", Files.createDirectory(folder.resolve("uploads")).toString(),
                "RELAY_HTTP_HEAD_TIMEOUT_SECONDS", String.valueOf(TIMEOUT_SECONDS),
                "RELAY_HTTP_BODY_TIMEOUT_SECONDS", String.valueOf(TIMEOUT_SECONDS),
                "RELAY_HTTP_KEEPALIVE_TIMEOUT_SECONDS", String.valueOf(TIMEOUT_SECONDS),
                "RELAY_HTTP_MIN_BODY_BYTES_PER_SECOND", "0"), log);
        List<RawHttp> hostile = new ArrayList<>();
        ExecutorService uploaders = Executors.newFixedThreadPool(UPLOADS);
        try {
            Api api = new Api("http://127.0.0.1:" + port);
            Await.until("the server answers", Duration.ofSeconds(30), () -> answers(api));
            chat(api, port, "warm"); // classes loaded and compiled, pools and heap grown as for any client
            long before = rss(process.pid());

            byte[] chunk = new byte[64 * 1024];
            for (int i = 0; i < UPLOADS; i++) {
                uploaders.submit(() -> anonymousUpload(port, chunk));
            }
            long siegeStart = System.nanoTime();
            for (int i = 0; i < SLOW_HEADS; i++) {
                hostile.add(new RawHttp(port).send("GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: "));
            }
            for (int i = 0; i < STALLED_BODIES; i++) {
                hostile.add(new RawHttp(port).send("POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 1048576\r\n\r\n{\"email\":\"" + "x".repeat(1024)));
            }
            for (int i = 0; i < SILENT; i++) {
                hostile.add(new RawHttp(port));
            }
            uploaders.shutdown();
            assertTrue(uploaders.awaitTermination(30, TimeUnit.SECONDS), "the uploads were answered or cut off");

            long chatStart = System.nanoTime();
            chat(api, port, "siege");
            Duration chatTook = Duration.ofNanos(System.nanoTime() - chatStart);
            long during = rss(process.pid());
            int stillOpen = 0;
            for (RawHttp socket : hostile) {
                stillOpen += socket.timeToClose(System.nanoTime(), Duration.ofMillis(1)) == null ? 1 : 0;
            }

            System.out.printf("siege: RSS %d MiB before, %d MiB during; the ordinary client took %d ms; %d of %d held open%n",
                    before >> 20, during >> 20, chatTook.toMillis(), stillOpen, hostile.size());
            assertTrue(chatTook.compareTo(Duration.ofSeconds(5)) < 0, "the ordinary client took " + chatTook.toMillis() + " ms");
            assertEquals(hostile.size(), stillOpen, "every stalled and silent connection was held open meanwhile");
            assertTrue(during - before < MAX_GROWTH_BYTES, "RSS grew from " + before / (1024 * 1024) + " MiB to "
                    + during / (1024 * 1024) + " MiB");

            Duration latest = Duration.ZERO;
            Duration bound = Duration.ofSeconds(TIMEOUT_SECONDS).plus(CLOSE_MARGIN);
            for (RawHttp socket : hostile) {
                Duration closedAfter = socket.timeToClose(siegeStart, bound);
                assertNotNull(closedAfter, "a held connection was still open " + bound.toSeconds() + " s after the siege began");
                latest = closedAfter.compareTo(latest) > 0 ? closedAfter : latest;
            }
            System.out.printf("siege: all %d held connections closed by the server, the last %d ms after the siege began%n",
                    hostile.size(), latest.toMillis());
        } finally {
            uploaders.shutdownNow();
            for (RawHttp socket : hostile) {
                socket.close();
            }
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static boolean answers(Api api) {
        try {
            return api.get("/api/health", null).status() == 200;
        } catch (AssertionError notYet) {
            return false;
        }
    }

    /** What a user of the web UI does: sign up, open a room, chat in it, read its history. */
    private static void chat(Api api, int port, String name) {
        Account ann = api.register(name + "-ann");
        Account bob = api.register(name + "-bob");
        String room = api.createRoom(ann, name, bob);
        try (WsClient sender = WsClient.connect("ws://127.0.0.1:" + port + "/api/ws?token=" + ann.token());
             WsClient receiver = WsClient.connect("ws://127.0.0.1:" + port + "/api/ws?token=" + bob.token())) {
            sender.join(room);
            receiver.join(room);
            for (int i = 0; i < 20; i++) {
                sender.say(room, "message " + i);
            }
            receiver.awaitMessages(20);
        }
        assertEquals(20, api.get("/api/rooms/" + room + "/messages", bob.token()).body().size());
    }

    /** Declares and sends an 8 MiB file without a token, as fast as the server takes it, then reads the answer. */
    private static void anonymousUpload(int port, byte[] chunk) {
        try (RawHttp upload = new RawHttp(port)) {
            upload.send("POST /api/upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                    + "Content-Length: " + UPLOAD_BYTES + "\r\n\r\n");
            for (int sent = 0; sent < UPLOAD_BYTES; sent += chunk.length) {
                upload.socket.getOutputStream().write(chunk);
            }
            upload.read(Duration.ofSeconds(20));
        } catch (IOException cutOff) {
            // the server answered early and closed: the point of it
        }
    }

    /** The resident set of a process, from the kernel's own account of it. */
    private static long rss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }
}
