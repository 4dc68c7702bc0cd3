package io.relaychat.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A run over several generator processes, for more connections than one process may hold open. This
 * process sets up users and rooms, writes the plan, and starts the workers; each worker connects every
 * K-th connection (so rooms span processes), and they meet at file barriers in the work directory: all
 * joined, then a common start time (System.nanoTime is one clock for every process of a machine), then
 * each sends its share of the rate. Workers report raw counts; this process adds them up, so a message
 * sent by one process and lost on its way to another still counts as lost.
 */
final class Distributed {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Distributed() {
    }

    // ---- the coordinating process ----

    static LoadTest.Result coordinate(Options options, List<String> args) throws Exception {
        Path dir = options.workDir() != null ? options.workDir() : Files.createTempDirectory("relay-loadtest");
        Files.createDirectories(dir);
        Setup.Plan plan = new Setup(options).prepare();
        writePlan(dir.resolve("plan.tsv"), plan);
        ServerProbe probe = new ServerProbe(options.memoryProbePid());
        Map<String, Object> server = new LinkedHashMap<>();
        if (options.idle()) {
            probe.fullGc();
            server.put("before", probe.memory());
        }
        List<Process> workers = new ArrayList<>();
        for (int i = 0; i < options.processes(); i++) {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), LoadTestMain.class.getName()));
            command.addAll(args);
            command.addAll(List.of("--worker-index", String.valueOf(i), "--work-dir", dir.toString()));
            workers.add(new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("worker-" + i + ".log").toFile()).start());
        }
        System.out.printf("%d generator processes started; logs in %s%n", options.processes(), dir);
        // The generator is every process of it: this one and the workers that hold the connections.
        List<Long> generatorPids = new ArrayList<>(List.of(ProcessHandle.current().pid()));
        workers.forEach(worker -> generatorPids.add(worker.pid()));
        // Only this process measures: the workers are given --server-pid, --store-pid and --bus-pid too, and leave
        // them be.
        CpuMeter cpu = new CpuMeter(options.serverPids(), options.storePids(), options.busPids(), generatorPids);
        try {
            double joined = 0;
            for (int i = 0; i < options.processes(); i++) {
                joined = Math.max(joined, Double.parseDouble(await(dir.resolve("ready-" + i), workers.get(i))));
            }
            System.out.printf("%d connections over %d processes joined in %.2f s%n", options.connections(),
                    options.processes(), joined);
            Map<String, Object> setup = new LinkedHashMap<>();
            setup.put("connections", options.connections());
            setup.put("rooms", options.rooms());
            setup.put("processes", options.processes());
            setup.put("all_joined_seconds", LoadTest.round(joined));
            List<LoadTest.Phase> phases = new ArrayList<>();
            LoadTest.Idle idle = null;
            if (options.idle()) {
                Thread.sleep(3000);
                idle = LoadTest.holdIdle(options, cpu);
                probe.fullGc();
                server.put("after", probe.memory());
                server.put("per_connection", probe.perConnection(server, options.connections()));
                Files.writeString(dir.resolve("go"), "stop");
            } else {
                long start = System.nanoTime() + 1_000_000_000L;
                Files.writeString(dir.resolve("go"), String.valueOf(start));
                // The workers send from start for the duration: the CPU of that stretch, read from here.
                LockSupport.parkNanos(Math.max(0, start - System.nanoTime()));
                CpuMeter.Reading cpuAtStart = cpu.read();
                LockSupport.parkNanos(Math.max(0, start + options.duration().toNanos() - System.nanoTime()));
                CpuMeter.Reading cpuAtEnd = cpu.read();
                List<JsonNode> results = new ArrayList<>();
                for (int i = 0; i < options.processes(); i++) {
                    results.add(JSON.readTree(await(dir.resolve("result-" + i + ".json"), workers.get(i))));
                }
                LoadTest.Phase phase = merge(options, results, cpuAtStart, cpuAtEnd, cpu);
                System.out.printf("  => %s%n", Report.line(phase));
                phases.add(phase);
                server.put("now", probe.memory());
            }
            for (Process worker : workers) {
                worker.waitFor(30, TimeUnit.SECONDS);
            }
            if (!cpu.notes().isEmpty()) {
                server.put("cpu_not_measured", cpu.notes());
            }
            return new LoadTest.Result(setup, phases, server, idle);
        } finally {
            workers.forEach(Process::destroy);
        }
    }

    /** Waits for a barrier file a worker writes; fails at once if the worker died. */
    private static String await(Path file, Process worker) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (!Files.exists(file)) {
            if (!worker.isAlive()) {
                throw new IllegalStateException("a generator process ended early (exit " + worker.exitValue()
                        + "); see its log next to " + file);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + file);
            }
            Thread.sleep(50);
        }
        Thread.sleep(20); // written whole: workers write to a temporary name and rename
        return Files.readString(file, StandardCharsets.UTF_8).strip();
    }

    private static LoadTest.Phase merge(Options options, List<JsonNode> results, CpuMeter.Reading cpuAtStart,
                                        CpuMeter.Reading cpuAtEnd, CpuMeter cpu) throws java.util.zip.DataFormatException {
        long[] sentToRoom = new long[options.rooms()];
        Histogram latency = new Histogram(60_000_000L, 3);
        Histogram acrossNodes = new Histogram(60_000_000L, 3);
        long sent = 0;
        long errors = 0;
        double seconds = 0;
        for (JsonNode result : results) {
            sent += result.path("sent").asLong();
            errors += result.path("errors").asLong();
            seconds = Math.max(seconds, result.path("seconds").asDouble());
            JsonNode rooms = result.path("sent_to_room");
            for (int r = 0; r < sentToRoom.length; r++) {
                sentToRoom[r] += rooms.path(r).asLong();
            }
            latency.add(decode(result.path("latency").asText()));
            acrossNodes.add(decode(result.path("across_nodes").asText()));
        }
        long expected = 0;
        long delivered = 0;
        long lost = 0;
        long duplicates = 0;
        long outOfOrder = 0;
        for (JsonNode result : results) {
            for (JsonNode peer : result.path("peers")) {
                long roomSent = sentToRoom[peer.path(0).asInt()];
                expected += roomSent;
                lost += Math.max(0, roomSent - peer.path(1).asLong());
                delivered += peer.path(2).asLong();
                duplicates += peer.path(3).asLong();
                outOfOrder += peer.path(4).asLong();
            }
        }
        CpuMeter.Cost cost = cpu.between(cpuAtStart, cpuAtEnd, delivered);
        return new LoadTest.Phase(options.rate(), LoadTest.round(seconds), sent, expected, delivered, lost, duplicates,
                outOfOrder, errors, LoadTest.round(delivered / seconds), LoadTest.millis(latency, 50), LoadTest.millis(latency, 90),
                LoadTest.millis(latency, 99), LoadTest.millis(latency, 99.9), LoadTest.round(latency.getMaxValue() / 1000.0),
                LoadTest.acrossNodes(options, acrossNodes, 50), LoadTest.acrossNodes(options, acrossNodes, 99),
                cost.server(), cost.store(), cost.bus(), cost.generator());
    }

    /** A histogram as text for the result file: compressed, then Base64. */
    private static String encode(Histogram histogram) {
        ByteBuffer encoded = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        histogram.encodeIntoCompressedByteBuffer(encoded);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(encoded.array(), encoded.position()));
    }

    private static Histogram decode(String text) throws java.util.zip.DataFormatException {
        return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(text)), 60_000_000L);
    }

    // ---- a worker process ----

    static void work(Options options) throws Exception {
        Path dir = options.workDir();
        Setup.Plan plan = readPlan(dir.resolve("plan.tsv"));
        int processes = options.processes();
        int index = options.workerIndex();
        Measurements measurements = new Measurements();
        try (Fleet fleet = new Fleet(options, measurements)) {
            long connecting = System.nanoTime();
            fleet.connect(plan, peer -> peer % processes == index);
            publish(dir.resolve("ready-" + index), String.valueOf((System.nanoTime() - connecting) / 1e9));
            Path go = dir.resolve("go");
            while (!Files.exists(go)) {
                Thread.sleep(20);
            }
            Thread.sleep(20);
            String signal = Files.readString(go).strip();
            if (signal.equals("stop")) {
                return;
            }
            long start = Long.parseLong(signal);
            LockSupport.parkNanos(Math.max(0, start - System.nanoTime()));
            measurements.takeInterval();
            measurements.takeAcrossNodes();
            long[] sentToRoom = new long[options.rooms()];
            long sent = send(fleet, plan, options, start, sentToRoom);
            double seconds = (System.nanoTime() - start) / 1e9;
            // Not knowing what the other processes sent, a worker drains until its connections go quiet.
            measurements.awaitQuiet(options.drain());
            Histogram latency = measurements.takeInterval();

            Map<String, Object> result = new LinkedHashMap<>();
            result.put("sent", sent);
            result.put("seconds", seconds);
            result.put("errors", measurements.serverErrors.sum());
            result.put("sent_to_room", sentToRoom);
            List<long[]> peers = new ArrayList<>();
            for (Peer peer : fleet.peers) {
                peers.add(new long[] {peer.room, peer.distinct(), peer.received(), peer.duplicates(), peer.outOfOrder()});
            }
            result.put("peers", peers);
            result.put("latency", encode(latency));
            result.put("across_nodes", encode(measurements.takeAcrossNodes()));
            publish(dir.resolve("result-" + index + ".json"), JSON.writeValueAsString(result));
        }
    }

    /** This process's share of the schedule: every K-th slot of the common one, from its own connections. */
    private static long send(Fleet fleet, Setup.Plan plan, Options options, long start, long[] sentToRoom) {
        int processes = options.processes();
        long period = 1_000_000_000L * processes / options.rate();
        long end = start + options.duration().toNanos();
        long sent = 0;
        List<Peer> peers = fleet.peers;
        while (System.nanoTime() < end) {
            long due = (System.nanoTime() - start) / period + 1;
            while (sent < due) {
                Peer peer = peers.get((int) (sent % peers.size()));
                sentToRoom[peer.room]++;
                fleet.send(peer, plan.roomIds().get(peer.room), start + sent * period, sent);
                sent++;
            }
            LockSupport.parkNanos(Math.min(period, 200_000));
        }
        return sent;
    }

    // ---- files ----

    private static void publish(Path file, String content) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, content, StandardCharsets.UTF_8);
        Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writePlan(Path file, Setup.Plan plan) throws IOException {
        List<String> lines = new ArrayList<>();
        plan.accounts().forEach(account -> lines.add("user\t" + account.id() + "\t" + account.token()));
        plan.roomIds().forEach(room -> lines.add("room\t" + room));
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    private static Setup.Plan readPlan(Path file) throws IOException {
        List<Setup.Account> accounts = new ArrayList<>();
        List<String> rooms = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] parts = line.split("\t");
            if (parts[0].equals("user")) {
                accounts.add(new Setup.Account(parts[1], parts[2]));
            } else {
                rooms.add(parts[1]);
            }
        }
        return new Setup.Plan(accounts, rooms);
    }
}
