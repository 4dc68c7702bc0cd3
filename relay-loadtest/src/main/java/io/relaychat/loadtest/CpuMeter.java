package io.relaychat.loadtest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a measured stretch cost in CPU, for the server's processes (every pid given; several nodes are summed), for
 * the store's when it runs as processes of its own, for the bus's (the Redis processes that carry events between
 * nodes), and for the generator's own: one reading at the stretch's start, one at its end, the difference set against
 * the wall time between them and the deliveries counted in it. Each side is kept apart, never added to another, so
 * that a slow store or a busy bus does not pass for a costly server. A process that
 * cannot be read leaves its side unmeasured, with a note said once, never a failed run.
 */
final class CpuMeter {
    private final List<Long> serverPids;
    private final List<Long> storePids;
    private final List<Long> busPids;
    private final List<Long> generatorPids;
    /** Why a side is not measured, each said once. */
    private final Set<String> notes = ConcurrentHashMap.newKeySet();

    /** The server's side and the generator's, with no store of its own. */
    CpuMeter(List<Long> serverPids, List<Long> generatorPids) {
        this(serverPids, List.of(), generatorPids);
    }

    /** The server's side, the store's and the generator's, with no bus of its own. */
    CpuMeter(List<Long> serverPids, List<Long> storePids, List<Long> generatorPids) {
        this(serverPids, storePids, List.of(), generatorPids);
    }

    /**
     * @param serverPids    the server's processes; none: the server side is not measured
     * @param storePids     the store's processes; none: the store side is absent, without a note, since most stores
     *                      run inside the server (memory, SQLite) or elsewhere
     * @param busPids       the bus's processes (one redis-server, or every node of a Redis Cluster); none: the bus
     *                      side is absent, without a note, since one node has no bus and a bus may run elsewhere
     * @param generatorPids the generator's processes; this one when empty
     */
    CpuMeter(List<Long> serverPids, List<Long> storePids, List<Long> busPids, List<Long> generatorPids) {
        this.serverPids = List.copyOf(serverPids);
        this.storePids = List.copyOf(storePids);
        this.busPids = List.copyOf(busPids);
        this.generatorPids = generatorPids.isEmpty() ? List.of(ProcessHandle.current().pid()) : List.copyOf(generatorPids);
        if (this.serverPids.isEmpty()) {
            note("server CPU not measured: no --server-pid given");
        }
        try {
            ProcessCpu.ticksPerSecond(); // asked now, not inside the first measured stretch
        } catch (IOException e) {
            note("CPU not measured: " + e.getMessage());
        }
    }

    /** CPU seconds used so far by every process, by side; a side is null when one of its processes could not be read. */
    record Reading(long nanos, Map<Long, Double> server, Map<Long, Double> store, Map<Long, Double> bus,
                   Map<Long, Double> generator) {
    }

    /** The server's cost, the store's, the bus's and the generator's over one stretch; each null when not measured. */
    record Cost(CpuUse server, CpuUse store, CpuUse bus, CpuUse generator) {
    }

    Reading read() {
        return new Reading(System.nanoTime(), read("server", serverPids), read("store", storePids),
                read("bus", busPids), read("generator", generatorPids));
    }

    /** From one reading to a later one, with the deliveries counted between them. */
    Cost between(Reading from, Reading to, long deliveries) {
        double wallSeconds = (to.nanos() - from.nanos()) / 1e9;
        return new Cost(use(from.server(), to.server(), wallSeconds, deliveries),
                use(from.store(), to.store(), wallSeconds, deliveries),
                use(from.bus(), to.bus(), wallSeconds, deliveries),
                use(from.generator(), to.generator(), wallSeconds, deliveries));
    }

    /** The notes said so far: why a side is not measured. */
    List<String> notes() {
        return new ArrayList<>(notes);
    }

    private Map<Long, Double> read(String side, List<Long> pids) {
        if (pids.isEmpty()) {
            return null;
        }
        Map<Long, Double> seconds = new LinkedHashMap<>();
        long self = ProcessHandle.current().pid();
        for (long pid : pids) {
            try {
                seconds.put(pid, pid == self ? ProcessCpu.ofThisProcess() : ProcessCpu.seconds(pid));
            } catch (IOException e) {
                note(side + " CPU not measured: " + e.getMessage());
                return null;
            }
        }
        return seconds;
    }

    private static CpuUse use(Map<Long, Double> from, Map<Long, Double> to, double wallSeconds, long deliveries) {
        if (from == null || to == null || wallSeconds <= 0) {
            return null;
        }
        double total = 0;
        Map<Long, CpuUse> perPid = new LinkedHashMap<>();
        for (Map.Entry<Long, Double> start : from.entrySet()) {
            double used = to.get(start.getKey()) - start.getValue();
            total += used;
            perPid.put(start.getKey(), CpuUse.of(used, wallSeconds, 0, Map.of()));
        }
        return CpuUse.of(total, wallSeconds, deliveries, perPid.size() > 1 ? perPid : Map.of());
    }

    private void note(String note) {
        if (notes.add(note)) {
            System.out.println(note);
        }
    }
}
