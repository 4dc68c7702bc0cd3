package io.relaychat.server;

import com.fasterxml.jackson.databind.JsonNode;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.relaychat.testkit.Await;
import io.relaychat.testkit.IntegrationTest;
import io.relaychat.testkit.RedisProcess;
import io.relaychat.testkit.TcpProxy;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Liveness and readiness as a load balancer asks them of a real server: ready while the store and the bus
 * answer, 503 naming the one that does not, 503 "draining" once the node starts to stop, while live stays 200.
 */
@IntegrationTest
class ReadinessTest {
    private static final Duration WITHIN = Duration.ofSeconds(15);

    @Test
    void givenTheEmbeddedDefaults_thenTheNodeIsLiveAndReadyAndHealthKeepsItsShape() {
        try (RunningServer node = RunningServer.start()) {
            Api api = new Api(node);

            Api.Response ready = api.get("/api/ready", null);
            assertEquals(200, ready.status(), ready.body().toString());
            assertEquals("ready", ready.body().path("status").asText());
            assertEquals("up", ready.body().path("store").path("state").asText());
            assertEquals("up", ready.body().path("bus").path("state").asText());
            assertTrue(ready.body().path("store").path("latency_ms").isIntegralNumber());
            assertEquals("no-store", ready.header("Cache-Control"));

            Api.Response live = api.get("/api/live", null);
            assertEquals(200, live.status());
            assertEquals("live", live.body().path("status").asText());
            assertEquals("no-store", live.header("Cache-Control"));

            assertEquals("{\"status\":\"healthy\"}", api.get("/api/health", null).body().toString());
        }
    }

    @Test
    void givenRedisDies_thenReadyIs503NamingTheBusUntilRedisIsBack() {
        MongoServer mongo = new MongoServer(new MemoryBackend());
        mongo.bind("127.0.0.1", 0);
        try (RedisProcess redis = RedisProcess.start();
             RunningServer node = RunningServer.start(Map.of(
                     "MONGO_URL", "mongodb://127.0.0.1:" + mongo.getLocalAddress().getPort(),
                     "DB_NAME", "relay_" + UUID.randomUUID().toString().replace("-", ""),
                     "REDIS_URL", redis.url()))) {
            Api api = new Api(node);
            assertEquals(200, api.get("/api/ready", null).status(), "ready with both up");

            redis.kill();
            JsonNode down = awaitReadiness(api, 503, "the bus is reported down");
            assertEquals("not_ready", down.path("status").asText());
            assertEquals("down", down.path("bus").path("state").asText());
            String error = down.path("bus").path("error").asText();
            assertFalse(error.isBlank(), "says why: " + down);
            assertFalse(error.contains(String.valueOf(redis.port())), "never the address: " + error);
            assertEquals("up", down.path("store").path("state").asText(), "the store is not blamed: " + down);
            assertEquals(200, api.get("/api/live", null).status(), "the process still serves");

            redis.restart();
            JsonNode back = awaitReadiness(api, 200, "ready again once Redis is back");
            assertEquals("up", back.path("bus").path("state").asText());
        } finally {
            mongo.shutdownNow();
        }
    }

    @Test
    void givenTheStoreIsCutOff_thenReadyIs503NamingTheStoreUntilItIsBack() {
        MongoServer mongo = new MongoServer(new MemoryBackend());
        mongo.bind("127.0.0.1", 0);
        TcpProxy proxy = new TcpProxy("127.0.0.1", mongo.getLocalAddress().getPort()).start();
        try (RunningServer node = RunningServer.start(Map.of(
                "MONGO_URL", "mongodb://127.0.0.1:" + proxy.port(),
                "DB_NAME", "relay_" + UUID.randomUUID().toString().replace("-", ""),
                "RELAY_MONGO_TIMEOUT_MS", "800"))) {
            Api api = new Api(node);
            assertEquals(200, api.get("/api/ready", null).status(), "ready with the store up");

            proxy.stop();
            JsonNode down = awaitReadiness(api, 503, "the store is reported down");
            assertEquals("not_ready", down.path("status").asText());
            assertEquals("down", down.path("store").path("state").asText());
            String error = down.path("store").path("error").asText();
            assertFalse(error.isBlank(), "says why: " + down);
            assertFalse(error.contains(String.valueOf(proxy.port())), "never the address: " + error);
            assertEquals("up", down.path("bus").path("state").asText());
            assertEquals(200, api.get("/api/live", null).status(), "the process still serves");

            proxy.start();
            awaitReadiness(api, 200, "ready again once the store answers");
        } finally {
            proxy.close();
            mongo.shutdownNow();
        }
    }

    /**
     * The listener closes right after readiness turns, so a new connection cannot ask any more; what asks is a
     * request already on its way on an open connection, as a load balancer's kept-open health check is. Here
     * each request's head is half sent before the stop and finished once the listener is closed.
     */
    @Test
    void givenTheNodeStartsToStop_thenReadyIs503DrainingWhileLiveIsStill200() throws Exception {
        RunningServer node = RunningServer.start(Map.of("RELAY_SHUTDOWN_GRACE_SECONDS", "10"));
        CompletableFuture<Void> stopped = null;
        try (RawHttp ready = new RawHttp(node.port); RawHttp live = new RawHttp(node.port)) {
            assertEquals(200, new Api(node).get("/api/ready", null).status(), "ready before the stop");
            ready.send("GET /api/ready HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            live.send("GET /api/live HTTP/1.1\r\nHost: 127.0.0.1\r\n");

            stopped = CompletableFuture.runAsync(node::close);
            Await.until("the listener is closed", WITHIN, () -> !accepts(node.port));
            ready.send("\r\n");
            live.send("\r\n");

            RawHttp.Answer draining = ready.read(WITHIN);
            assertEquals(503, draining.status(), draining.body());
            assertEquals("{\"status\":\"draining\"}", draining.body());
            assertEquals("no-store", draining.header("Cache-Control"));
            assertEquals("close", draining.header("Connection"), "the drain's last answer on this connection");

            RawHttp.Answer alive = live.read(WITHIN);
            assertEquals(200, alive.status(), alive.body());
            assertEquals("{\"status\":\"live\"}", alive.body());
        } finally {
            if (stopped == null) {
                node.close();
            } else {
                stopped.get(WITHIN.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Polls readiness (whose answer is kept a second) until it answers {@code status}; its body then. */
    private static JsonNode awaitReadiness(Api api, int status, String what) {
        AtomicReference<Api.Response> last = new AtomicReference<>();
        try {
            Await.until(what, WITHIN, () -> {
                last.set(api.get("/api/ready", null));
                return last.get().status() == status || pause();
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last answer " + last.get().status() + " " + last.get().body(), e);
        }
        return last.get().body();
    }

    /** A tenth of a second between polls (false, to poll on): the answer changes at most once a second anyway. */
    private static boolean pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
