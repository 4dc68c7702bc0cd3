package io.relaychat.server;

import io.relaychat.testkit.Await;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real main in its own JVM, stopped with SIGTERM while it is busy: what its clients see of the drain.
 */
@IntegrationTest
class DrainOnSigtermTest {
    private static final int GRACE_SECONDS = 10;
    private static final int SPREAD_SECONDS = 2;
    private static final int LOGINS = 6;
    /** More than one batch of closes (ConnectionDrain.MIN_BATCH is 10), so that the closes are spread. */
    private static final int WEB_SOCKETS = 30;

    @Test
    void givenSlowLoginsAndOpenWebSockets_whenSigterm_thenEveryLoginIsAnsweredAndTheWebSocketsCloseSpreadOut()
            throws Exception {
        // bcrypt cost 12 on two threads: the six logins take a second or more, so SIGTERM meets them under way.
        ServerProcess server = ServerProcess.start(Map.of("HOST", "127.0.0.1", "JWT_SECRET_KEY", RunningServer.SECRET,
                "RELAY_BCRYPT_COST", "12", "RELAY_BCRYPT_THREADS", "2", "RELAY_MAX_CONNECTIONS_PER_USER", "0",
                "RELAY_SHUTDOWN_GRACE_SECONDS", String.valueOf(GRACE_SECONDS),
                "RELAY_SHUTDOWN_SPREAD_SECONDS", String.valueOf(SPREAD_SECONDS)));
        List<AutoCloseable> toClose = new ArrayList<>();
        try {
            Api.Account ann = new Api(server.http()).register("ann");
            List<WsClient> sockets = new ArrayList<>();
            for (int i = 0; i < WEB_SOCKETS; i++) {
                WsClient socket = WsClient.connect(server.ws(ann.token()));
                toClose.add(socket);
                sockets.add(socket);
            }
            List<RawHttp> logins = new ArrayList<>();
            for (int i = 0; i < LOGINS; i++) {
                RawHttp login = new RawHttp(server.port());
                toClose.add(login);
                // A first answer on the connection: it is accepted and kept alive when the login goes out on it.
                assertEquals(200, login.send(RawHttp.get("/api/health")).read(Duration.ofSeconds(10)).status());
                logins.add(login);
            }
            for (RawHttp login : logins) {
                login.send(RawHttp.postJson("/api/auth/login",
                        Api.write(Map.of("email", ann.email(), "password", "password-of-ann"))));
            }
            pause(200); // for the requests to reach the server; the hashing then takes far longer

            long sigterm = System.nanoTime();
            server.terminate();
            Await.until("the node stops accepting connections", Duration.ofSeconds(GRACE_SECONDS),
                    () -> !accepts(server.port()));

            List<Integer> statuses = new ArrayList<>();
            for (RawHttp login : logins) {
                RawHttp.Answer answer = login.read(Duration.ofSeconds(GRACE_SECONDS + 5));
                statuses.add(answer.status());
                assertEquals("close", answer.header("connection"), "the last answer on its connection");
                assertTrue(answer.body().contains("\"access_token\""), answer.body());
            }
            assertEquals(List.of(200, 200, 200, 200, 200, 200), statuses, "every login in flight answered, none reset");
            long loginsAnswered = System.nanoTime();

            for (WsClient socket : sockets) {
                assertEquals(1001, socket.awaitCloseCode());
                assertEquals("Server shutting down", socket.closeReason());
            }
            long first = sockets.stream().mapToLong(WsClient::closedAtNanos).min().orElseThrow();
            long last = sockets.stream().mapToLong(WsClient::closedAtNanos).max().orElseThrow();
            long spreadMillis = millis(last - first);

            // The grace, the main's margin past it (2 s), and room for a busy machine to start and end a JVM.
            Duration exitBound = Duration.ofSeconds(GRACE_SECONDS + 2 + 5);
            assertTrue(server.awaitExit(exitBound), "the process exits within the grace");
            long exitMillis = millis(System.nanoTime() - sigterm);
            System.out.printf("drain: %d logins answered, the last %d ms after SIGTERM; %d WebSockets closed over "
                            + "%d ms (window %d s), the first %d ms after SIGTERM; the process exited %d ms after "
                            + "SIGTERM (grace %d s)%n", LOGINS, millis(loginsAnswered - sigterm), WEB_SOCKETS,
                    spreadMillis, SPREAD_SECONDS, millis(first - sigterm), exitMillis, GRACE_SECONDS);
            assertTrue(spreadMillis > 50, "the closes are spread, not all at once: " + spreadMillis + " ms");
            String log = server.log();
            assertTrue(log.contains("stopped"), "the graceful shutdown ran to its end: " + log);
        } finally {
            for (AutoCloseable closeable : toClose) {
                try {
                    closeable.close();
                } catch (Exception ignored) {
                    // the server is gone: nothing left to close politely
                }
            }
            server.close();
        }
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private static boolean accepts(int port) {
        try (Socket probe = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    private static void pause(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }
}
