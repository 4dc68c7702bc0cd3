package io.relaychat.server;

import io.relaychat.adapter.netty.TransportSettings;
import io.relaychat.server.Api.Account;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP clients no browser would be, over bare sockets against the real server with its default limits: each
 * is closed within its phase's deadline or answered before it sends what it declared, and requests sent back
 * to back come back in order.
 */
@IntegrationTest
class HostileHttpClientsTest {
    private static final Duration SLACK = Duration.ofSeconds(3);
    private static RunningServer server;

    @BeforeAll
    static void start() {
        server = RunningServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** All four at once, so the test takes as long as the longest deadline, not their sum. */
    @Test
    void slowIdleAndStalledClientsAreEachClosedWithinTheirDeadline() throws Exception {
        TransportSettings limits = TransportSettings.defaults();
        List<RawHttp> sockets = new ArrayList<>();
        try {
            long start = System.nanoTime();
            RawHttp silent = track(sockets, new RawHttp(server.port));
            RawHttp slowHead = track(sockets, new RawHttp(server.port)).send("GET /api/health HTTP/1.1\r\nHost: x\r\n");
            RawHttp stalledBody = track(sockets, new RawHttp(server.port))
                    .send("POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 100\r\n\r\n{\"email\":");
            RawHttp keptAlive = track(sockets, new RawHttp(server.port)).send(RawHttp.get("/api/health"));
            assertEquals(200, keptAlive.read(Duration.ofSeconds(5)).status());
            long answered = System.nanoTime();
            Thread trickle = new Thread(() -> {
                try {
                    for (int i = 0; i < 40; i++) {
                        Thread.sleep(500);
                        slowHead.send("X-" + i + ": y\r\n"); // a byte now and then keeps no head alive
                    }
                } catch (Exception closed) {
                    // the server gave up on it, as it should
                }
            });
            trickle.setDaemon(true);
            trickle.start();

            assertClosedWithin(silent, start, limits.headTimeout(), "a connection that never sends a byte");
            assertClosedWithin(slowHead, start, limits.headTimeout(), "a head trickled in");
            assertClosedWithin(stalledBody, start, limits.bodyReadTimeout(), "a body stalled half way");
            assertClosedWithin(keptAlive, answered, limits.keepAliveTimeout(), "an idle kept-alive connection");
        } finally {
            for (RawHttp socket : sockets) {
                socket.close();
            }
        }
    }

    private static RawHttp track(List<RawHttp> sockets, RawHttp socket) {
        sockets.add(socket);
        return socket;
    }

    private static void assertClosedWithin(RawHttp socket, long since, Duration deadline, String who) throws Exception {
        Duration closed = socket.timeToClose(since, deadline.plus(SLACK));
        assertNotNull(closed, who + " still open " + deadline.plus(SLACK).toSeconds() + " s later");
        assertTrue(closed.compareTo(deadline.minusMillis(500)) >= 0, who + " closed after only " + closed.toMillis() + " ms");
    }

    /** The login takes longest (bcrypt); before, the requests behind it overtook it. */
    @Test
    void requestsSentInOneWriteAreAnsweredInTheOrderSent() throws Exception {
        Account ann = new Api(server).register("pipelined");
        try (RawHttp http = new RawHttp(server.port)) {
            StringBuilder requests = new StringBuilder(RawHttp.postJson("/api/auth/login", "{\"email\":\"" + ann.email()
                    + "\",\"password\":\"password-of-" + ann.username() + "\"}"));
            for (int i = 0; i < 10; i++) {
                requests.append(RawHttp.get("/api/health")).append(RawHttp.get("/api/"));
            }
            assertEquals(200, http.send(RawHttp.get("/api/health")).read(Duration.ofSeconds(5)).status());
            http.send(requests.toString());

            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < 21; i++) {
                RawHttp.Answer answer = http.read(Duration.ofSeconds(10));
                assertEquals(200, answer.status(), answer.body());
                bodies.add(answer.body().contains("access_token") ? "login" : answer.body());
            }

            assertEquals("login", bodies.get(0));
            for (int i = 0; i < 10; i++) {
                assertEquals("{\"status\":\"healthy\"}", bodies.get(1 + 2 * i), "answer " + (1 + 2 * i));
                assertEquals("{\"message\":\"RelayChat API\"}", bodies.get(2 + 2 * i), "answer " + (2 + 2 * i));
            }
        }
    }

    @Test
    void aJsonBodyDeclaredTooLargeIsRefusedBeforeItIsSent() throws Exception {
        try (RawHttp http = new RawHttp(server.port)) {
            http.send("POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                    + 10 * 1024 * 1024 + "\r\n\r\n");

            RawHttp.Answer refused = http.read(Duration.ofSeconds(5));

            assertEquals(413, refused.status());
            assertEquals("{\"detail\":\"Request body too large: the limit is 1048576 bytes\",\"code\":\"payload_too_large\"}",
                    refused.body());
            assertEquals("close", refused.header("connection"));
        }
    }

    @Test
    void anUploadWithoutATokenIsRefusedBeforeItsBodyIsSent() throws Exception {
        try (RawHttp http = new RawHttp(server.port)) {
            http.send("POST /api/upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                    + "Content-Length: " + 5 * 1024 * 1024 + "\r\n\r\n");

            RawHttp.Answer refused = http.read(Duration.ofSeconds(5));

            assertEquals(401, refused.status());
            assertEquals("unauthenticated", Api.JSON.readTree(refused.body()).path("code").asText());
        }
    }

    @Test
    void everyAnswerCarriesTheHeadersThatKeepItFromBeingSniffedFramedOrStored() throws Exception {
        Map<String, String> expected = Map.of("x-content-type-options", "nosniff", "x-frame-options", "DENY",
                "content-security-policy", "frame-ancestors 'none'", "cache-control", "no-store");
        try (RawHttp http = new RawHttp(server.port)) {
            for (String path : List.of("/api/health", "/api/nothing", "/api/auth/me")) {
                RawHttp.Answer answer = http.send(RawHttp.get(path)).read(Duration.ofSeconds(5));
                expected.forEach((name, value) -> assertEquals(value, answer.header(name), path + " " + name));
            }
        }
    }
}
