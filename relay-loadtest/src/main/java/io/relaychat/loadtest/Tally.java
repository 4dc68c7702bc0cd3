package io.relaychat.loadtest;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts of what the background clients of a run got, by a label such as {@code flooder closed 1008}. */
final class Tally {
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    void count(String label) {
        counts.computeIfAbsent(label, key -> new LongAdder()).increment();
    }

    /** Sorted by label, for the report. */
    Map<String, Long> snapshot() {
        Map<String, Long> sorted = new TreeMap<>();
        counts.forEach((label, count) -> sorted.put(label, count.sum()));
        return sorted;
    }
}
