package io.relaychat.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server process's memory, when its pid is given: RSS from /proc, and the Java heap in use through
 * jcmd (the server must run on the same machine, as the same user).
 */
final class ServerProbe {
    /** "used 12345K" (G1, Parallel) or "used 194M" (ZGC). */
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)([KMG])");
    /** " 12:  3456  78901  io.relaychat.Foo (module)": rank, instances, bytes, class name. */
    private static final Pattern HISTOGRAM_ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+\\d+\\s+(\\S+)");

    private final long pid;

    ServerProbe(long pid) {
        this.pid = pid;
    }

    Map<String, Object> memory() {
        Map<String, Object> memory = new LinkedHashMap<>();
        if (pid <= 0) {
            return memory;
        }
        rssKiB().ifPresent(rss -> memory.put("rss_kib", rss));
        heapUsedKiB().ifPresent(heap -> memory.put("heap_used_kib", heap));
        return memory;
    }

    /**
     * What a soak compares before and after: the heap after a full collection, the resident set, open files and
     * threads. Takes the collection itself.
     */
    Map<String, Object> resources() {
        Map<String, Object> resources = new LinkedHashMap<>();
        if (pid <= 0) {
            return resources;
        }
        fullGc();
        resources.putAll(memory());
        String[] fds = new java.io.File("/proc/" + pid + "/fd").list();
        if (fds != null) {
            resources.put("open_files", fds.length);
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("Threads:")) {
                    resources.put("threads", Integer.parseInt(line.replaceAll("[^0-9]", "")));
                }
            }
        } catch (IOException e) {
            System.out.println("cannot read the server's threads: " + e.getMessage());
        }
        return resources;
    }

    /**
     * Live instances of the server's own classes and of Netty's channels, by class, from a class histogram (which
     * collects first): what a soak compares to tell state that is kept on purpose (stored messages) from state
     * that should have gone with its connection (sessions, subscriptions, channels).
     */
    Map<String, Long> liveInstances() {
        Map<String, Long> instances = new java.util.TreeMap<>();
        if (pid <= 0) {
            return instances;
        }
        for (String line : jcmd("GC.class_histogram").split("\n")) {
            Matcher row = HISTOGRAM_ROW.matcher(line);
            if (row.find() && (row.group(2).startsWith("io.relaychat.") || row.group(2).startsWith("io.netty.channel."))) {
                instances.merge(row.group(2), Long.parseLong(row.group(1)), Long::sum);
            }
        }
        return instances;
    }

    /** The classes whose live instances differ between two histograms, with both counts: "before -> after". */
    static Map<String, String> changed(Map<String, Long> before, Map<String, Long> after) {
        Map<String, String> changed = new java.util.TreeMap<>();
        java.util.Set<String> classes = new java.util.TreeSet<>(before.keySet());
        classes.addAll(after.keySet());
        for (String name : classes) {
            long b = before.getOrDefault(name, 0L);
            long a = after.getOrDefault(name, 0L);
            if (a != b) {
                changed.put(name, b + " -> " + a);
            }
        }
        return changed;
    }

    /** A full collection in the server, so that the heap figure is what is live. */
    void fullGc() {
        if (pid > 0) {
            jcmd("GC.run");
        }
    }

    Map<String, Object> perConnection(Map<String, Object> server, int connections) {
        Map<String, Object> per = new LinkedHashMap<>();
        @SuppressWarnings("unchecked") Map<String, Object> before = (Map<String, Object>) server.get("before");
        @SuppressWarnings("unchecked") Map<String, Object> after = (Map<String, Object>) server.get("after");
        for (String key : new String[] {"rss_kib", "heap_used_kib"}) {
            if (before.get(key) instanceof Long b && after.get(key) instanceof Long a) {
                per.put(key.replace("_kib", "_bytes"), Math.round((a - b) * 1024.0 / connections));
            }
        }
        return per;
    }

    private java.util.Optional<Long> rssKiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return java.util.Optional.of(Long.parseLong(line.replaceAll("[^0-9]", "")));
                }
            }
        } catch (IOException e) {
            System.out.println("cannot read the server's RSS: " + e.getMessage());
        }
        return java.util.Optional.empty();
    }

    private java.util.Optional<Long> heapUsedKiB() {
        String info = jcmd("GC.heap_info");
        Matcher used = HEAP_USED.matcher(info);
        if (!used.find()) {
            return java.util.Optional.empty();
        }
        long value = Long.parseLong(used.group(1));
        return java.util.Optional.of(switch (used.group(2)) {
            case "G" -> value * 1024 * 1024;
            case "M" -> value * 1024;
            default -> value;
        });
    }

    private String jcmd(String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process process = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            process.waitFor(30, TimeUnit.SECONDS);
            return output;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
