package io.relaychat.server;

import io.relaychat.testkit.Await;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * /metrics as a monitoring system sees it: on a port of its own, with counters that move by what clients did, a
 * delivery latency histogram with samples, the node's gauges and the JVM's meters; never on the public port, and no
 * port at all unless RELAY_METRICS_PORT says so.
 */
@IntegrationTest
class MetricsEndpointTest {
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void givenAMetricsPort_thenAScrapeShowsWhatClientsDidAndThePublicPortDoesNot() throws IOException {
        int metricsPort = freePort();
        try (RunningServer node = RunningServer.start(Map.of("RELAY_METRICS_PORT", String.valueOf(metricsPort)))) {
            assertEquals(metricsPort, node.server.metricsPort());
            Api api = new Api(node);
            Api.Account ann = api.register("ann");
            Api.Account bob = api.register("bob");
            Api.Response login = api.post("/api/auth/login",
                    Map.of("email", ann.email(), "password", "password-of-ann"), null);
            assertEquals(200, login.status());
            String room = api.createRoom(ann, "general", bob);
            try (WsClient annSocket = WsClient.connect(node.ws(login.body().path("access_token").asText()));
                 WsClient bobSocket = WsClient.connect(node.ws(bob.token()))) {
                annSocket.join(room);
                bobSocket.join(room);
                annSocket.say(room, "hello");
                annSocket.say(room, "x".repeat(4001)); // over the content limit: refused
                annSocket.say(room, "again");
                annSocket.awaitFrame("the refusal", frame -> frame.path("code").asText().equals("content_too_long"));
                bobSocket.awaitMessages(2);
                annSocket.awaitMessages(2);

                // Two live messages to two connections: four deliveries; each connection's first is timed (then
                // one in 16), so two timings.
                Await.until("two timed deliveries", Duration.ofSeconds(10),
                        () -> Scrape.of(metricsPort).value("relay_delivery_latency_seconds_count") == 2);
                Scrape scrape = Scrape.of(metricsPort);
                assertEquals(200, scrape.status());
                assertEquals(2, scrape.value("relay_messages_accepted_total"));
                assertEquals(1, scrape.value("relay_messages_refused_total{code=\"content_too_long\"}"));
                assertEquals(0, scrape.value("relay_messages_refused_total{code=\"rate_limited\"}"));
                assertEquals(2, scrape.value("relay_store_append_seconds_count"));
                assertEquals(0, scrape.value("relay_store_errors_total"));
                assertTrue(scrape.value("relay_delivery_latency_seconds_sum") > 0);
                assertEquals(2, scrape.value("relay_delivery_latency_seconds_bucket{le=\"+Inf\"}"));
                assertTrue(scrape.value("relay_deliveries_written_total") >= 4, "frames written: greetings too");
                assertTrue(scrape.value("relay_bcrypt_wait_seconds_count") >= 3, "two sign-ups and a login");
                assertEquals(1, scrape.value("relay_joined_rooms"));
                assertEquals(2, scrape.value("relay_websockets_open"));
                assertEquals(1, scrape.value("relay_dependency_up{dependency=\"store\"}"));
                assertEquals(1, scrape.value("relay_dependency_up{dependency=\"bus\"}"));
                assertTrue(scrape.has("jvm_memory_used_bytes"), "JVM memory");
                assertTrue(scrape.has("jvm_threads_live_threads"), "threads");
                assertTrue(scrape.has("process_uptime_seconds"), "uptime");
                assertTrue(scrape.has("process_files_open_files"), "open files");
            }
            assertEquals(404, api.get("/metrics", null).status(), "the public port never shows the metrics");
            assertEquals(404, RawHttpStatus.of(metricsPort, "/api/health"), "the metrics port shows only metrics");
        }
    }

    @Test
    void withoutAMetricsPort_noOtherPortThanThePublicOneIsOpened() throws IOException {
        Set<Integer> before = Scrape.listeningPortsOfThisProcess();
        try (RunningServer node = RunningServer.start()) {
            Set<Integer> opened = new HashSet<>(Scrape.listeningPortsOfThisProcess());
            opened.removeAll(before);

            assertEquals(Set.of(node.port), opened);
            assertThrows(IllegalStateException.class, node.server::metricsPort);
            assertEquals(404, new Api(node).get("/metrics", null).status());
        }
    }

    /** The status of a GET on the metrics port. */
    private static final class RawHttpStatus {
        static int of(int port, String path) {
            try {
                return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create("http://127.0.0.1:" + port + path)).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
