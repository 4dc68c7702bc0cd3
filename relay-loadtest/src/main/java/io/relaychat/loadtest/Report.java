package io.relaychat.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The readable summary and the JSON file. */
final class Report {
    private Report() {
    }

    static String line(LoadTest.Phase phase) {
        String line = String.format("rate=%d/s sent=%d delivered=%d/%d (%.0f/s) lost=%d dup=%d out-of-order=%d errors=%d "
                        + "latency ms p50=%.2f p90=%.2f p99=%.2f p99.9=%.2f max=%.2f", phase.rate(), phase.sent(),
                phase.delivered(), phase.expected(), phase.deliveriesPerSecond(), phase.lost(), phase.duplicates(),
                phase.outOfOrder(), phase.errors(), phase.p50(), phase.p90(), phase.p99(), phase.p999(), phase.max());
        if (phase.acrossNodesP99() != null) {
            line += String.format("; across nodes p50=%.2f p99=%.2f", phase.acrossNodesP50(), phase.acrossNodesP99());
        }
        return line + cpu(phase.serverCpu(), phase.storeCpu(), phase.busCpu(), phase.generatorCpu());
    }

    /** "idle 10000 connections: 1.4 % of a core", and what it is made of. */
    static String idleLine(LoadTest.Idle idle) {
        String line = idle.serverCpu() == null
                ? String.format("idle %d connections: server CPU not measured", idle.connections())
                : String.format("idle %d connections: %.1f %% of a core", idle.connections(), idle.serverCpu().coreShare() * 100);
        return line + cpu(idle.serverCpu(), idle.storeCpu(), idle.busCpu(), idle.generatorCpu());
    }

    /** "highest sustained: 50000 deliveries/s at 5000 messages/s (p99 4.20 ms, no loss)", and what it cost. */
    static String sustainedLine(LoadTest.Phase best) {
        return String.format("highest sustained: %.0f deliveries/s at %d messages/s (p99 %.2f ms, no loss)",
                best.deliveriesPerSecond(), best.rate(), best.p99())
                + cpu(best.serverCpu(), best.storeCpu(), best.busCpu(), best.generatorCpu());
    }

    /**
     * What the server, the store, the bus and the generator spent, appended to a result line; nothing for a side
     * unmeasured.
     */
    private static String cpu(CpuUse server, CpuUse store, CpuUse bus, CpuUse generator) {
        return (server == null ? "" : "; server " + server.describe())
                + (store == null ? "" : "; store " + store.describe())
                + (bus == null ? "" : "; bus " + bus.describe())
                + (generator == null ? "" : "; generator " + generator.describe());
    }

    static void print(Options options, LoadTest.Result result) {
        System.out.println();
        System.out.printf("RelayChat load test against %s (%s)%n", options.url(), options.target());
        System.out.printf("  %s%n", result.setup());
        for (LoadTest.Phase phase : result.phases()) {
            System.out.printf("  %s%n", line(phase));
        }
        if (options.ramp()) {
            sustained(result.phases()).ifPresentOrElse(best -> System.out.printf("  %s%n", sustainedLine(best)),
                    () -> System.out.println("  no step was sustained (p99 <= 100 ms, no loss)"));
        }
        if (result.idle() != null) {
            System.out.printf("  %s%n", idleLine(result.idle()));
        }
        if (!result.server().isEmpty()) {
            System.out.printf("  server memory: %s%n", result.server());
        }
    }

    static java.util.Optional<LoadTest.Phase> sustained(List<LoadTest.Phase> phases) {
        return phases.stream().filter(phase -> phase.clean() && phase.p99() <= LoadTest.RAMP_P99_LIMIT_MS)
                .max(java.util.Comparator.comparingDouble(LoadTest.Phase::deliveriesPerSecond));
    }

    static void writeJson(Path file, Options options, LoadTest.Result result) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("options", options);
        json.put("setup", result.setup());
        json.put("phases", result.phases());
        sustained(result.phases()).filter(best -> options.ramp()).ifPresent(best -> json.put("sustained", best));
        if (result.idle() != null) {
            json.put("idle", result.idle());
        }
        json.put("server", result.server());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).findAndRegisterModules()
                .writerFor(Object.class).writeValue(file.toFile(), jsonSafe(json));
    }

    /** Options hold Path and Duration: written as text. */
    private static Object jsonSafe(Map<String, Object> json) {
        Options options = (Options) json.get("options");
        Map<String, Object> plain = new LinkedHashMap<>();
        plain.put("target", options.target());
        plain.put("url", options.url());
        plain.put("connections", options.connections());
        plain.put("room_size", options.roomSize());
        plain.put("rate", options.rate());
        plain.put("warmup_seconds", options.warmup().toMillis() / 1000.0);
        plain.put("duration_seconds", options.duration().toMillis() / 1000.0);
        plain.put("source_addresses", options.sourceAddresses());
        plain.put("ramp", options.ramp());
        plain.put("idle", options.idle());
        plain.put("idle_hold_seconds", options.idleHold().toMillis() / 1000.0);
        plain.put("server_pids", options.serverPids());
        plain.put("store_pids", options.storePids());
        plain.put("bus_pids", options.busPids());
        json.put("options", plain);
        return json;
    }
}
