package io.relaychat.adapter.netty;

import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.relaychat.ports.in.HealthUseCase.DependencyState;
import io.relaychat.ports.in.HealthUseCase.Readiness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.relaychat.adapter.netty.HttpHarness.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /api/live and /api/ready as a load balancer reads them, next to /api/health, which the web UI reads as before. */
class ProbeRoutesTest {
    private final FakeCore core = new FakeCore();
    private boolean draining;
    private final HttpHarness http = new HttpHarness(new HttpPipeline(core, HttpHarness.settings(),
            new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE), () -> draining));

    @AfterEach
    void nothingLeaked() {
        http.finish();
    }

    @Test
    void givenEveryDependencyAnswers_thenReadyIs200WithEachOnesStateAndLatency() {
        core.readiness = CompletableFuture.completedFuture(readiness(
                "store", DependencyState.up(Duration.ofMillis(3)), "bus", DependencyState.up(Duration.ZERO)));

        HttpHarness.Answer ready = http.exchange(get("/api/ready", ""));

        assertEquals(200, ready.status());
        assertEquals("{\"status\":\"ready\",\"store\":{\"state\":\"up\",\"latency_ms\":3},"
                + "\"bus\":{\"state\":\"up\",\"latency_ms\":0}}", ready.body());
        assertEquals("no-store", ready.header("Cache-Control"));
        assertEquals("application/json", ready.header("Content-Type"));
    }

    @Test
    void givenTheBusIsDown_thenReadyIs503NamingItAndWhy() {
        core.readiness = CompletableFuture.completedFuture(readiness(
                "store", DependencyState.up(Duration.ofMillis(1)),
                "bus", DependencyState.down(Duration.ofMillis(2000), "no answer within 2000 ms")));

        HttpHarness.Answer ready = http.exchange(get("/api/ready", ""));

        assertEquals(503, ready.status());
        assertEquals("{\"status\":\"not_ready\",\"store\":{\"state\":\"up\",\"latency_ms\":1},"
                + "\"bus\":{\"state\":\"down\",\"latency_ms\":2000,\"error\":\"no answer within 2000 ms\"}}", ready.body());
        assertEquals("no-store", ready.header("Cache-Control"));
        assertTrue(http.isOpen(), "a 503 of readiness is an answer like any other: the connection goes on");
    }

    @Test
    void givenThePingsAreStillOut_thenTheAnswerIsWrittenOnceTheyAreBack() {
        CompletableFuture<Readiness> pending = new CompletableFuture<>();
        core.readiness = pending;

        http.send(get("/api/ready", ""));
        assertTrue(http.answers().isEmpty(), "nothing is answered before the probes are");
        pending.complete(readiness("store", DependencyState.up(Duration.ofMillis(5)), "bus", DependencyState.up(Duration.ZERO)));

        assertEquals(200, http.answer().status());
    }

    @Test
    void givenTheNodeDrains_thenReadyIs503DrainingWithoutAskingTheDependenciesAndLiveIsStill200() {
        CompletableFuture<Readiness> neverAnswered = new CompletableFuture<>();
        core.readiness = neverAnswered;
        draining = true;

        HttpHarness.Answer ready = http.exchange(get("/api/ready", ""));
        assertEquals(503, ready.status());
        assertEquals("{\"status\":\"draining\"}", ready.body());
        assertEquals("no-store", ready.header("Cache-Control"));
        assertEquals("close", ready.header("Connection"), "once the node stops, every answer is its connection's last");

        HttpHarness another = new HttpHarness(new HttpPipeline(core, HttpHarness.settings(),
                new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE), () -> draining));
        try {
            HttpHarness.Answer live = another.exchange(get("/api/live", ""));
            assertEquals(200, live.status());
            assertEquals("{\"status\":\"live\"}", live.body());
        } finally {
            another.finish();
        }
    }

    @Test
    void liveAnswersWithoutAnyDependencyAndHealthKeepsItsShape() {
        core.readiness = new CompletableFuture<>(); // a hung store does not make the process any less alive

        HttpHarness.Answer live = http.exchange(get("/api/live", ""));
        assertEquals(200, live.status());
        assertEquals("{\"status\":\"live\"}", live.body());
        assertEquals("no-store", live.header("Cache-Control"));

        HttpHarness.Answer health = http.exchange(get("/api/health", ""));
        assertEquals(200, health.status());
        assertEquals("{\"status\":\"healthy\"}", health.body());
    }

    private static Readiness readiness(String first, DependencyState firstState, String second, DependencyState secondState) {
        Map<String, DependencyState> states = new LinkedHashMap<>();
        states.put(first, firstState);
        states.put(second, secondState);
        return new Readiness(states);
    }
}
