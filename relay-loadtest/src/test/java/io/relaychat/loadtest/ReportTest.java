package io.relaychat.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How a phase's CPU is reported, side by side: the readable line names each measured side once, in one order
 * (server, store, bus, generator), and the JSON carries each as a field of its own, with the pids each came from.
 */
class ReportTest {
    private static final CpuUse SERVER = CpuUse.of(6.92, 20, 200_000, Map.of());
    private static final CpuUse STORE = CpuUse.of(1.30, 20, 200_000, Map.of());
    private static final CpuUse BUS = CpuUse.of(0.50, 20, 200_000,
            Map.of(6391L, CpuUse.of(0.30, 20, 0, Map.of()), 6392L, CpuUse.of(0.20, 20, 0, Map.of())));
    private static final CpuUse GENERATOR = CpuUse.of(3.00, 20, 200_000, Map.of());

    private static LoadTest.Phase phase(CpuUse server, CpuUse store, CpuUse bus, CpuUse generator) {
        return new LoadTest.Phase(1000, 20, 20_000, 200_000, 200_000, 0, 0, 0, 0, 10_000, 1, 2, 3, 4, 5, 1.5, 3.5,
                server, store, bus, generator);
    }

    @Test
    void theBusIsToldBetweenTheStoreAndTheGeneratorWithItsCostPerDelivery() {
        String line = Report.line(phase(SERVER, STORE, BUS, GENERATOR));

        int server = line.indexOf("; server cpu=");
        int store = line.indexOf("; store cpu=");
        int bus = line.indexOf("; bus cpu=");
        int generator = line.indexOf("; generator cpu=");
        assertTrue(server >= 0 && server < store && store < bus && bus < generator, line);
        assertTrue(line.contains("; bus cpu=0.50s core=2.5% per-delivery=2.5us (pid "), line);
    }

    @Test
    void anUnmeasuredBusIsLeftOutOfTheLine() {
        String line = Report.line(phase(SERVER, null, null, GENERATOR));

        assertFalse(line.contains("; bus "), line);
        assertTrue(line.contains("; server cpu=") && line.contains("; generator cpu="), line);
    }

    @Test
    void theJsonCarriesTheBusCpuAndItsPidsApartFromTheServersAndTheStores() throws Exception {
        Options options = Options.parse("--server-pid", "81,82,83", "--store-pid", "91", "--bus-pid", "6391,6392");
        LoadTest.Result result = new LoadTest.Result(Map.of(), List.of(phase(SERVER, STORE, BUS, GENERATOR)),
                Map.of(), null);
        Path json = Files.createTempFile("relay-report", ".json");

        Report.writeJson(json, options, result);

        JsonNode report = new ObjectMapper().readTree(json.toFile());
        assertEquals("[6391,6392]", report.path("options").path("bus_pids").toString(), report.toString());
        assertEquals("[81,82,83]", report.path("options").path("server_pids").toString(), report.toString());
        assertEquals("[91]", report.path("options").path("store_pids").toString(), report.toString());
        JsonNode phase = report.path("phases").path(0);
        assertEquals(0.5, phase.path("bus_cpu").path("cpu_seconds").asDouble(), phase.toString());
        assertEquals(2.5, phase.path("bus_cpu").path("us_per_delivery").asDouble(), phase.toString());
        assertEquals(2, phase.path("bus_cpu").path("per_pid").size(), phase.toString());
        assertEquals(6.92, phase.path("server_cpu").path("cpu_seconds").asDouble(), "the bus is not in the server's");
        assertEquals(1.3, phase.path("store_cpu").path("cpu_seconds").asDouble(), "nor in the store's");
        Files.delete(json);
    }

    @Test
    void withoutABusTheJsonHasNoBusCpu() throws Exception {
        Options options = Options.parse("--server-pid", "81");
        LoadTest.Result result = new LoadTest.Result(Map.of(), List.of(phase(SERVER, null, null, GENERATOR)),
                Map.of(), null);
        Path json = Files.createTempFile("relay-report", ".json");

        Report.writeJson(json, options, result);

        JsonNode report = new ObjectMapper().readTree(json.toFile());
        assertTrue(report.path("phases").path(0).path("bus_cpu").isMissingNode(), report.toString());
        assertEquals("[]", report.path("options").path("bus_pids").toString(), report.toString());
        Files.delete(json);
    }
}
