package io.relaychat.loadtest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * One run: set up users and rooms, connect and join, then send on a fixed schedule (open loop: the schedule
 * never waits for replies, and every message is stamped with the time it was due, so a slow server shows
 * as latency instead of slowing the load), drain, and count what arrived.
 */
final class LoadTest {
    /** p99 above this, or any loss, ends a ramp. */
    static final double RAMP_P99_LIMIT_MS = 100;

    private final Options options;
    private final Measurements measurements = new Measurements();
    private final CpuMeter cpu;

    LoadTest(Options options) {
        this.options = options;
        this.cpu = new CpuMeter(options.serverPids(), options.storePids(), options.busPids(), List.of());
    }

    /**
     * Everything measured in one run, as printed and written to JSON; {@code idle} is what an idle run's hold cost
     * (null otherwise).
     */
    record Result(Map<String, Object> setup, List<Phase> phases, Map<String, Object> server, Idle idle) {
        Phase last() {
            return phases.get(phases.size() - 1);
        }
    }

    /**
     * One stretch of sending at one rate, measured after its drain; {@code acrossNodesP50/P99} (null with one
     * node) cover the deliveries whose sender is connected to another node. {@code serverCpu}, {@code storeCpu},
     * {@code busCpu} and {@code generatorCpu} (null when not measured) are what the sending took, its drain left out,
     * against the deliveries counted in the phase; the store's and the bus's are their own processes' only, never
     * part of the server's.
     */
    record Phase(int rate, double seconds, long sent, long expected, long delivered, long lost, long duplicates,
                 long outOfOrder, long errors, double deliveriesPerSecond, double p50, double p90, double p99,
                 double p999, double max, Double acrossNodesP50, Double acrossNodesP99,
                 @JsonProperty("server_cpu") @JsonInclude(JsonInclude.Include.NON_NULL) CpuUse serverCpu,
                 @JsonProperty("store_cpu") @JsonInclude(JsonInclude.Include.NON_NULL) CpuUse storeCpu,
                 @JsonProperty("bus_cpu") @JsonInclude(JsonInclude.Include.NON_NULL) CpuUse busCpu,
                 @JsonProperty("generator_cpu") @JsonInclude(JsonInclude.Include.NON_NULL) CpuUse generatorCpu) {
        boolean clean() {
            return lost == 0 && duplicates == 0 && outOfOrder == 0 && errors == 0;
        }
    }

    /** An idle run's hold: every connection joined, nothing sent; the CPU of each side null when not measured. */
    record Idle(int connections, @JsonProperty("hold_seconds") double holdSeconds,
                @JsonProperty("server_cpu") @JsonInclude(JsonInclude.Include.NON_NULL) CpuUse serverCpu,
                @JsonProperty("store_cpu") @JsonInclude(JsonInclude.Include.NON_NULL) CpuUse storeCpu,
                @JsonProperty("bus_cpu") @JsonInclude(JsonInclude.Include.NON_NULL) CpuUse busCpu,
                @JsonProperty("generator_cpu") @JsonInclude(JsonInclude.Include.NON_NULL) CpuUse generatorCpu) {
    }

    Result run() throws Exception {
        Map<String, Object> setup = new LinkedHashMap<>();
        Map<String, Object> server = new LinkedHashMap<>();
        Setup.Plan plan = new Setup(options).prepare();
        ServerProbe probe = new ServerProbe(options.memoryProbePid());
        if (options.idle()) {
            probe.fullGc();
            server.put("before", probe.memory());
        }
        try (Fleet fleet = new Fleet(options, measurements)) {
            long connecting = System.nanoTime();
            fleet.connectAll(plan);
            double joinSeconds = (System.nanoTime() - connecting) / 1e9;
            setup.put("connections", options.connections());
            setup.put("rooms", options.rooms());
            setup.put("all_joined_seconds", round(joinSeconds));
            setup.put("connect_failures", measurements.connectFailures.sum());
            System.out.printf("%d connections in %d rooms joined in %.2f s%n", options.connections(), options.rooms(), joinSeconds);
            // Joining a room announces the joiner to everyone in it; in a big room that goes on after the last join.
            double settleSeconds = measurements.awaitQuiet(Duration.ofMinutes(1));
            setup.put("settled_seconds", round(settleSeconds));
            System.out.printf("quiet after %.2f s more (the server finished announcing the joins)%n", settleSeconds);

            List<Phase> phases = new ArrayList<>();
            Idle idle = null;
            if (!options.idle() && !options.warmup().isZero()) {
                System.out.printf("warming up for %.0f s (not measured)%n", options.warmup().toMillis() / 1000.0);
                sendAndDrain(fleet, plan, options.rate(), options.warmup());
            }
            if (options.idle()) {
                Thread.sleep(3000);
                idle = holdIdle(options, cpu);
                probe.fullGc();
                server.put("after", probe.memory());
                server.put("per_connection", probe.perConnection(server, options.connections()));
            } else if (options.ramp()) {
                double rate = options.rate();
                for (int step = 0; step < options.rampSteps(); step++) {
                    Phase phase = sendAndDrain(fleet, plan, (int) rate, options.duration());
                    phases.add(phase);
                    if (!phase.clean() || phase.p99() > RAMP_P99_LIMIT_MS) {
                        break;
                    }
                    rate *= options.rampFactor();
                }
            } else if (options.churn() > 0 || options.abusers() > 0) {
                phases.add(soak(fleet, plan, probe, server));
            } else {
                phases.add(sendAndDrain(fleet, plan, options.rate(), options.duration()));
            }
            if (options.stalledReaders() > 0) {
                server.put("stalled_readers_closed", stalledReadersClosed(fleet));
            }
            if (!options.idle()) {
                server.put("now", probe.memory());
            }
            if (!cpu.notes().isEmpty()) {
                server.put("cpu_not_measured", cpu.notes());
            }
            return new Result(setup, phases, server, idle);
        }
    }

    /**
     * The measured phase with churn and abusers alongside, and the server's resources before they start and after
     * they have gone (each after a full collection): what a long run leaves behind shows as the difference.
     */
    private Phase soak(Fleet fleet, Setup.Plan plan, ServerProbe probe, Map<String, Object> server) throws Exception {
        Setup.Plan background = new Setup(options).background(options.churn() + options.abusers());
        Thread.sleep(2000);
        server.put("baseline", probe.resources());
        Map<String, Long> instancesBefore = probe.liveInstances();
        System.out.printf("baseline: %s%n", server.get("baseline"));
        Tally tally = new Tally();
        Phase phase;
        try (Churn churn = new Churn(options, new Setup.Plan(background.accounts().subList(0, options.churn()),
                background.roomIds()), tally);
             Abusers abusers = new Abusers(options, background, options.churn(), tally)) {
            churn.start();
            abusers.start();
            phase = sendAndDrain(fleet, plan, options.rate(), options.duration());
        }
        server.put("background", tally.snapshot());
        // Closed connections are released on the server's next event-loop turns, sessions a moment later.
        Thread.sleep(5000);
        server.put("after", probe.resources());
        server.put("live_instances_changed", ServerProbe.changed(instancesBefore, probe.liveInstances()));
        System.out.printf("after: %s%nlive instances changed: %s%n", server.get("after"), server.get("live_instances_changed"));
        return phase;
    }

    /** Lets the stalled readers read again and counts those the server had closed: "closed/stalled". */
    private static String stalledReadersClosed(Fleet fleet) throws InterruptedException {
        List<Peer> stalled = fleet.peers.stream().filter(peer -> peer.stalled).toList();
        stalled.forEach(fleet::resume);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline && stalled.stream().anyMatch(peer -> !peer.closed.isDone())) {
            Thread.sleep(50);
        }
        return stalled.stream().filter(peer -> peer.closed.isDone()).count() + "/" + stalled.size();
    }

    private Phase sendAndDrain(Fleet fleet, Setup.Plan plan, int rate, Duration duration) throws InterruptedException {
        List<Peer> peers = fleet.peers.stream().filter(Peer::counted).toList();
        Peer leaver = fleet.peers.stream().filter(peer -> peer.leaves && !peer.closed.isDone()).findFirst().orElse(null);
        int slots = fleet.peers.size();
        long[] distinctBefore = new long[slots];
        long[] receivedBefore = new long[slots];
        long[] duplicatesBefore = new long[slots];
        long[] outOfOrderBefore = new long[slots];
        for (Peer peer : peers) {
            distinctBefore[peer.index] = peer.distinct();
            receivedBefore[peer.index] = peer.received();
            duplicatesBefore[peer.index] = peer.duplicates();
            outOfOrderBefore[peer.index] = peer.outOfOrder();
        }
        long errorsBefore = measurements.serverErrors.sum();
        AtomicLongArray sentToRoom = new AtomicLongArray(options.rooms());
        Histogram latency = new Histogram(60_000_000L, 3);
        measurements.takeInterval(); // forget what came before this phase
        measurements.takeAcrossNodes();

        System.out.printf("sending %d messages/s for %.0f s%n", rate, duration.toMillis() / 1000.0);
        long period = 1_000_000_000L / rate;
        CpuMeter.Reading cpuAtStart = cpu.read();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        // A soak runs for minutes: a line every ten seconds is enough to follow it.
        long reportEvery = duration.toSeconds() > 60 ? 10_000_000_000L : 1_000_000_000L;
        long nextReport = start + reportEvery;
        long sent = 0;
        long deliveriesAtReport = measurements.deliveries.sum();
        while (true) {
            long now = System.nanoTime();
            if (now >= end) {
                break;
            }
            long due = (now - start) / period + 1;
            while (sent < due) {
                Peer peer = peers.get((int) (sent % peers.size()));
                sentToRoom.incrementAndGet(peer.room);
                fleet.send(peer, plan.roomIds().get(peer.room), start + sent * period, sent);
                sent++;
            }
            if (leaver != null && now - start >= options.leaveAt().toNanos()) {
                System.out.printf("  t=%4.1fs the first connection leaves%n", (now - start) / 1e9);
                fleet.leave(leaver);
                leaver = null;
            }
            if (now >= nextReport) {
                Histogram interval = measurements.takeInterval();
                latency.add(interval);
                long deliveries = measurements.deliveries.sum();
                System.out.printf("  t=%4.1fs sent=%d deliveries/s=%d p99=%.1fms behind=%d%n", (now - start) / 1e9, sent,
                        (deliveries - deliveriesAtReport) * 1_000_000_000L / reportEvery,
                        interval.getValueAtPercentile(99) / 1000.0, Math.max(0, due - sent));
                deliveriesAtReport = deliveries;
                nextReport += reportEvery;
            }
            LockSupport.parkNanos(Math.min(period, 200_000));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        CpuMeter.Reading cpuAtEnd = cpu.read();

        long expected = 0;
        for (Peer peer : peers) {
            expected += sentToRoom.get(peer.room);
        }
        long drainUntil = System.nanoTime() + options.drain().toNanos();
        while (System.nanoTime() < drainUntil && distinctSince(peers, distinctBefore) < expected) {
            Thread.sleep(20);
        }
        latency.add(measurements.takeInterval());
        Histogram acrossNodes = measurements.takeAcrossNodes();

        long delivered = 0;
        long lost = 0;
        long duplicates = 0;
        long outOfOrder = 0;
        for (Peer peer : peers) {
            long distinct = peer.distinct() - distinctBefore[peer.index];
            delivered += peer.received() - receivedBefore[peer.index];
            lost += Math.max(0, sentToRoom.get(peer.room) - distinct);
            duplicates += peer.duplicates() - duplicatesBefore[peer.index];
            outOfOrder += peer.outOfOrder() - outOfOrderBefore[peer.index];
        }
        CpuMeter.Cost cost = cpu.between(cpuAtStart, cpuAtEnd, delivered);
        Phase phase = new Phase(rate, round(seconds), sent, expected, delivered, lost, duplicates, outOfOrder,
                measurements.serverErrors.sum() - errorsBefore, round(delivered / seconds),
                millis(latency, 50), millis(latency, 90), millis(latency, 99), millis(latency, 99.9),
                round(latency.getMaxValue() / 1000.0), acrossNodes(options, acrossNodes, 50),
                acrossNodes(options, acrossNodes, 99), cost.server(), cost.store(), cost.bus(), cost.generator());
        System.out.printf("  => %s%n", Report.line(phase));
        return phase;
    }

    /**
     * Holds every joined connection idle for --idle-hold and measures what that costs the server (and the store, the
     * bus and the generator):
     * "idle N connections: X % of a core". Null when the hold is zero.
     */
    static Idle holdIdle(Options options, CpuMeter cpu) throws InterruptedException {
        if (options.idleHold().isZero()) {
            return null;
        }
        System.out.printf("holding %d joined connections idle for %.0f s%n", options.connections(),
                options.idleHold().toMillis() / 1000.0);
        CpuMeter.Reading from = cpu.read();
        Thread.sleep(options.idleHold().toMillis());
        CpuMeter.Cost cost = cpu.between(from, cpu.read(), 0);
        Idle idle = new Idle(options.connections(), options.idleHold().toMillis() / 1000.0, cost.server(), cost.store(),
                cost.bus(), cost.generator());
        System.out.println(Report.idleLine(idle));
        return idle;
    }

    private static long distinctSince(List<Peer> peers, long[] before) {
        long total = 0;
        for (Peer peer : peers) {
            total += peer.distinct() - before[peer.index];
        }
        return total;
    }

    /** A percentile of the deliveries across nodes; null when there is one node. */
    static Double acrossNodes(Options options, Histogram histogram, double percentile) {
        return options.nodes().size() > 1 ? millis(histogram, percentile) : null;
    }

    static double millis(Histogram histogram, double percentile) {
        return round(histogram.getValueAtPercentile(percentile) / 1000.0);
    }

    static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
