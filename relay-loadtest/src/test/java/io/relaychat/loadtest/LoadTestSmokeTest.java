package io.relaychat.loadtest;

import io.relaychat.server.RelayServer;
import io.relaychat.server.ServerConfig;
import io.relaychat.testkit.IntegrationTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A short run of the generator against the real server and against the ceiling: a few seconds, a few
 * hundred connections over several source addresses. It asserts what was delivered, never how fast.
 */
@IntegrationTest
class LoadTestSmokeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The server runs in this process: its CPU is what the generator reads for "the server" here. */
    private static final String THIS_PROCESS = String.valueOf(ProcessHandle.current().pid());
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    /** The uploads, reports and work folders of a test, deleted after it. */
    @TempDir
    Path folder;

    private static LoadTest.Phase run(String target, int port, Path json, String... more) throws Exception {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--target", target,
                "--url", "http://127.0.0.1:" + port, "--connections", "300", "--room-size", "10", "--rate", "150",
                "--duration", "2", "--drain", "5", "--source-addresses", "3", "--json", json.toString()));
        args.addAll(java.util.List.of(more));
        Options options = Options.parse(args.toArray(String[]::new));
        LoadTest.Result result = new LoadTest(options).run();
        Report.print(options, result);
        Report.writeJson(options.json(), options, result);
        return result.last();
    }

    /**
     * A process standing for a store of its own, idle all along: its CPU is next to nothing, so that any of the
     * server's (this process) counted as the store's would show.
     */
    private static Process idleStore() throws java.io.IOException {
        return new ProcessBuilder("sleep", "600").start();
    }

    /** An idle store's CPU figure: there, with its per delivery when there were deliveries, and about nothing. */
    private static void assertIdleStoreCpu(JsonNode cpu, boolean perDelivery) {
        assertSaneCpu(cpu, false);
        assertEquals(0, cpu.path("cpu_seconds").asDouble(-1), 0.02, "the server's CPU is not the store's: " + cpu);
        assertEquals(perDelivery, cpu.has("us_per_delivery"), cpu.toString());
    }

    /** A readable line tells the server's CPU, then the store's, then the generator's. */
    private static void assertCpuSidesInOrder(String line) {
        int server = line.indexOf("; server cpu=");
        int store = line.indexOf("; store cpu=");
        int generator = line.indexOf("; generator cpu=");
        assertTrue(server >= 0 && server < store && store < generator, line);
    }

    /** A CPU figure of the report: there, and sane (no more than every core busy); its values are not checked. */
    private static void assertSaneCpu(JsonNode cpu, boolean perDelivery) {
        assertTrue(cpu.isObject(), "a CPU figure is reported");
        assertTrue(cpu.path("cpu_seconds").asDouble(-1) >= 0, cpu.toString());
        assertTrue(cpu.path("wall_seconds").asDouble() > 0, cpu.toString());
        double share = cpu.path("core_share").asDouble(-1);
        assertTrue(share >= 0 && share <= CORES + 0.05, cpu.toString());
        if (perDelivery) {
            assertTrue(cpu.path("cpu_seconds").asDouble() > 0, "sending costs something: " + cpu);
            assertTrue(cpu.path("us_per_delivery").asDouble() > 0, cpu.toString());
        }
    }

    @Test
    void withCompression_compressedMessagesAreInflatedAndEveryOneArrives() throws Exception {
        Path uploads = Files.createTempDirectory(folder, "relay-uploads");
        ServerConfig config = ServerConfig.fromEnvironment(Map.of("PORT", "0", "HOST", "127.0.0.1",
                "JWT_SECRET_KEY", "load-test-secret-load-test-secret-0123", "RELAY_BCRYPT_COST", "4", "RELAY_STORAGE", "memory",
                "RELAY_UPLOAD_DIR", uploads.toString(), "RELAY_REGISTER_RATE_PER_MINUTE", "0",
                "RELAY_WS_COMPRESSION", "true"));
        LoadTest.Phase phase;
        try (RelayServer server = new RelayServer(config)) {
            // Padding past the server's threshold (256 bytes), so that every chat message goes out compressed.
            Options options = Options.parse("--url", "http://127.0.0.1:" + server.start(), "--connections", "40",
                    "--room-size", "10", "--rate", "40", "--duration", "1", "--drain", "5", "--source-addresses", "2",
                    "--padding", "400", "--compression");
            LoadTest.Result result = new LoadTest(options).run();
            Report.print(options, result);
            phase = result.last();
        }

        assertEquals(phase.sent() * 10, phase.expected());
        assertEquals(phase.expected(), phase.delivered(), "every compressed delivery was read");
        assertEquals(0, phase.errors());
    }

    @Test
    void everyMessageReachesEveryConnectionOfItsRoomOnceAndInOrder() throws Exception {
        Path uploads = Files.createTempDirectory(folder, "relay-uploads");
        ServerConfig config = ServerConfig.fromEnvironment(Map.of("PORT", "0", "HOST", "127.0.0.1",
                "JWT_SECRET_KEY", "load-test-secret-load-test-secret-0123", "RELAY_BCRYPT_COST", "4", "RELAY_STORAGE", "memory",
                "RELAY_UPLOAD_DIR", uploads.toString(), "RELAY_REGISTER_RATE_PER_MINUTE", "0"));
        Path json = Files.createTempFile(folder, "relay-load", ".json");
        LoadTest.Phase phase;
        Process store = idleStore();
        try (RelayServer server = new RelayServer(config)) {
            phase = run("relay", server.start(), json, "--server-pid", THIS_PROCESS,
                    "--store-pid", String.valueOf(store.pid()));
        } finally {
            store.destroyForcibly();
        }

        assertEquals(phase.sent() * 10, phase.expected());
        assertEquals(phase.expected(), phase.delivered(), "every delivery arrived");
        assertEquals(0, phase.lost());
        assertEquals(0, phase.duplicates());
        assertEquals(0, phase.outOfOrder());
        assertEquals(0, phase.errors());
        assertTrue(Files.readString(json).contains("\"p99\""), "results are written as JSON");
        assertNull(phase.acrossNodesP99(), "one node: nothing crosses nodes");
        JsonNode measured = JSON.readTree(json.toFile()).path("phases").path(0);
        assertSaneCpu(measured.path("server_cpu"), true);
        assertSaneCpu(measured.path("generator_cpu"), true);
        assertTrue(measured.path("server_cpu").path("per_pid").isMissingNode(), "one server process: no breakdown");
        assertIdleStoreCpu(measured.path("store_cpu"), true);
        assertCpuSidesInOrder(Report.line(phase));
    }

    @Test
    void everyStepOfARampReportsWhatItCostTheServerInCpu() throws Exception {
        Path json = Files.createTempFile(folder, "ceiling-ramp", ".json");
        LoadTest.Result result;
        Process store = idleStore();
        try (CeilingServer ceiling = new CeilingServer("127.0.0.1", 0)) {
            Options options = Options.parse("--target", "ceiling", "--url", "http://127.0.0.1:" + ceiling.port(),
                    "--connections", "100", "--room-size", "10", "--rate", "50", "--ramp", "--ramp-steps", "2",
                    "--ramp-factor", "2", "--duration", "1", "--drain", "5", "--source-addresses", "2",
                    "--server-pid", THIS_PROCESS, "--store-pid", String.valueOf(store.pid()),
                    "--json", json.toString());
            result = new LoadTest(options).run();
            Report.print(options, result);
            Report.writeJson(options.json(), options, result);
        } finally {
            store.destroyForcibly();
        }

        JsonNode report = JSON.readTree(json.toFile());
        // Two steps unless the first one's p99 passed the ramp's limit, which a busy machine may do: every step counts.
        assertTrue(report.path("phases").size() >= 1, report.toString());
        for (JsonNode step : report.path("phases")) {
            assertSaneCpu(step.path("server_cpu"), true);
            assertSaneCpu(step.path("generator_cpu"), true);
            assertIdleStoreCpu(step.path("store_cpu"), true);
        }
        if (report.has("sustained")) {
            assertSaneCpu(report.path("sustained").path("server_cpu"), true);
            assertIdleStoreCpu(report.path("sustained").path("store_cpu"), true);
            assertCpuSidesInOrder(Report.sustainedLine(Report.sustained(result.phases()).orElseThrow()));
        }
    }

    @Test
    void anIdleRunReportsTheServersShareOfACoreWhileTheJoinedConnectionsSitIdle() throws Exception {
        Path json = Files.createTempFile(folder, "ceiling-idle", ".json");
        LoadTest.Result result;
        Process store = idleStore();
        try (CeilingServer ceiling = new CeilingServer("127.0.0.1", 0)) {
            Options options = Options.parse("--target", "ceiling", "--url", "http://127.0.0.1:" + ceiling.port(),
                    "--connections", "40", "--room-size", "10", "--idle", "--idle-hold", "1", "--source-addresses", "2",
                    "--server-pid", THIS_PROCESS, "--store-pid", String.valueOf(store.pid()),
                    "--json", json.toString());
            result = new LoadTest(options).run();
            Report.print(options, result);
            Report.writeJson(options.json(), options, result);
        } finally {
            store.destroyForcibly();
        }

        JsonNode idle = JSON.readTree(json.toFile()).path("idle");
        assertEquals(40, idle.path("connections").asInt(), idle.toString());
        assertEquals(1.0, idle.path("hold_seconds").asDouble(), idle.toString());
        assertSaneCpu(idle.path("server_cpu"), false);
        assertTrue(idle.path("server_cpu").path("wall_seconds").asDouble() >= 1.0, "measured over the hold: " + idle);
        assertSaneCpu(idle.path("generator_cpu"), false);
        assertIdleStoreCpu(idle.path("store_cpu"), false);
        assertCpuSidesInOrder(Report.idleLine(result.idle()));
    }

    @Test
    void theCeilingServerMeetsTheSameBar() throws Exception {
        LoadTest.Phase phase;
        Path json = Files.createTempFile(folder, "ceiling-load", ".json");
        try (CeilingServer ceiling = new CeilingServer("127.0.0.1", 0)) {
            phase = run("ceiling", ceiling.port(), json);
        }

        assertEquals(phase.sent() * 10, phase.delivered());
        assertTrue(phase.clean(), phase.toString());
        // No --server-pid: the server's CPU is not reported, and the report says why; the generator's still is.
        JsonNode report = JSON.readTree(json.toFile());
        assertTrue(report.path("phases").path(0).path("server_cpu").isMissingNode(), report.toString());
        assertSaneCpu(report.path("phases").path(0).path("generator_cpu"), true);
        assertEquals("server CPU not measured: no --server-pid given",
                report.path("server").path("cpu_not_measured").path(0).asText(), report.toString());
        // No --store-pid either: most runs have no store of its own, so that side is simply absent, unremarked.
        assertTrue(report.path("phases").path(0).path("store_cpu").isMissingNode(), report.toString());
        assertEquals(1, report.path("server").path("cpu_not_measured").size(), report.toString());
        assertFalse(Report.line(phase).contains("; store "), Report.line(phase));
    }

    @Test
    void severalGeneratorProcessesAddUpToOneRunWhoseRoomsSpanThem() throws Exception {
        Path work = Files.createTempDirectory(folder, "relay-load-processes");
        Process store = idleStore();
        try (CeilingServer ceiling = new CeilingServer("127.0.0.1", 0)) {
            // The one server named twice stands for two nodes: connections take turns over them.
            String node = "http://127.0.0.1:" + ceiling.port();
            Path json = work.resolve("results.json");
            String[] args = {"--target", "ceiling", "--url", node + "," + node, "--connections", "200",
                    "--room-size", "10", "--rate", "100", "--duration", "2", "--drain", "5", "--source-addresses", "2",
                    "--processes", "2", "--work-dir", work.toString(), "--server-pid", THIS_PROCESS,
                    "--store-pid", String.valueOf(store.pid()), "--json", json.toString()};
            LoadTest.Result result = Distributed.coordinate(Options.parse(args), java.util.List.of(args));
            Report.print(Options.parse(args), result);
            Report.writeJson(json, Options.parse(args), result);

            LoadTest.Phase phase = result.last();
            assertEquals(phase.sent() * 10, phase.expected());
            assertEquals(phase.expected(), phase.delivered());
            assertTrue(phase.clean(), phase.toString());
            assertTrue(Files.exists(work.resolve("result-1.json")), "both processes reported");
            assertNotNull(phase.acrossNodesP99(), "deliveries between connections of different nodes are told apart");
            assertTrue(phase.acrossNodesP50() > 0 && phase.acrossNodesP50() <= phase.acrossNodesP99(), phase.toString());
            JsonNode measured = JSON.readTree(json.toFile()).path("phases").path(0);
            assertSaneCpu(measured.path("server_cpu"), true);
            // The generator is this process and the two it started, each reported and summed.
            JsonNode generator = measured.path("generator_cpu");
            assertSaneCpu(generator, true);
            assertEquals(3, generator.path("per_pid").size(), generator.toString());
            assertTrue(generator.path("per_pid").path(THIS_PROCESS).isObject(), generator.toString());
            // The workers are given --store-pid too; this process alone measures the store.
            assertIdleStoreCpu(measured.path("store_cpu"), true);
            assertCpuSidesInOrder(Report.line(phase));
        } finally {
            store.destroyForcibly();
        }
    }

    @Test
    void aSoakCountsOnlyTheFleetWhileChurnAndAbusersAreTurnedAwayAndTheServersResourcesAreTakenBeforeAndAfter()
            throws Exception {
        ServerConfig config = ServerConfig.fromEnvironment(Map.of("PORT", "0", "HOST", "127.0.0.1",
                "JWT_SECRET_KEY", "load-test-secret-load-test-secret-0123", "RELAY_BCRYPT_COST", "4", "RELAY_STORAGE", "memory",
                "RELAY_UPLOAD_DIR", Files.createTempDirectory(folder, "relay-uploads").toString(),
                "RELAY_REGISTER_RATE_PER_MINUTE", "0"));
        try (RelayServer server = new RelayServer(config)) {
            int port = server.start();
            // The server runs in this process, so that is whose resources are taken.
            Options options = Options.parse("--url", "http://127.0.0.1:" + port, "--connections", "100",
                    "--room-size", "10", "--rate", "50", "--duration", "4", "--drain", "5", "--source-addresses", "2",
                    "--stalled-readers", "1", "--churn", "4", "--abusers", "6",
                    "--server-pid", String.valueOf(ProcessHandle.current().pid()));
            LoadTest.Result result = new LoadTest(options).run();
            Report.print(options, result);

            LoadTest.Phase phase = result.last();
            assertTrue(phase.expected() < phase.sent() * 10, "the stalled reader's deliveries are not expected");
            assertEquals(phase.expected(), phase.delivered(), "every other delivery arrived");
            assertTrue(phase.clean(), phase.toString());
            assertTrue(result.server().get("baseline") instanceof Map<?, ?> baseline && baseline.containsKey("open_files"),
                    result.server().toString());
            assertTrue(result.server().get("after") instanceof Map<?, ?> after && after.containsKey("threads"),
                    result.server().toString());
            @SuppressWarnings("unchecked") Map<String, Long> background = (Map<String, Long>) result.server().get("background");
            assertTrue(background.getOrDefault("flooder error rate_limited", 0L) > 0, background.toString());
            assertTrue(background.getOrDefault("guesser answered 429", 0L) > 0, background.toString());
            assertTrue(background.getOrDefault("churn sessions", 0L) > 0, background.toString());
            assertNotNull(result.server().get("stalled_readers_closed"));
        }
    }
}
