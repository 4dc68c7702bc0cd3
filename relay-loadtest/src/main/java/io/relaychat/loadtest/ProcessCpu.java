package io.relaychat.loadtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The CPU time a process has used since it started, from {@code /proc/<pid>/stat}: user plus system time
 * (utime + stime), which the kernel keeps for the whole process, so every thread counts (event loops, GC and
 * JIT threads, and threads that have already ended). The kernel counts in clock ticks; how many make a second
 * (CLK_TCK) comes from {@code getconf}, asked once.
 */
final class ProcessCpu {
    /** utime and stime are fields 14 and 15 of the line; field 3 is the first after the command name's ')'. */
    private static final int UTIME_AFTER_NAME = 14 - 3;
    private static final int STIME_AFTER_NAME = 15 - 3;

    private ProcessCpu() {
    }

    /** The CPU seconds process {@code pid} has used; IOException says why they cannot be read. */
    static double seconds(long pid) throws IOException {
        return seconds(Path.of("/proc", String.valueOf(pid), "stat"));
    }

    /** The CPU seconds this process has used. */
    static double ofThisProcess() throws IOException {
        return seconds(Path.of("/proc/self/stat"));
    }

    private static double seconds(Path stat) throws IOException {
        long ticks = ticksPerSecond();
        String line;
        try {
            line = Files.readString(stat, StandardCharsets.US_ASCII);
        } catch (IOException | SecurityException e) {
            throw new IOException("cannot read " + stat + " (" + e.getClass().getSimpleName() + ")", e);
        }
        return ticks(line, stat) / (double) ticks;
    }

    /** utime + stime of one stat line, in clock ticks. */
    static long ticks(String statLine, Object source) throws IOException {
        // The command name (field 2) is in parentheses and may itself hold spaces and parentheses: count from the last.
        int nameEnd = statLine.lastIndexOf(')');
        String[] fields = nameEnd < 0 ? new String[0] : statLine.substring(nameEnd + 1).strip().split("\\s+");
        if (fields.length <= STIME_AFTER_NAME) {
            throw new IOException("unexpected content in " + source + ": " + statLine.strip());
        }
        try {
            return Long.parseLong(fields[UTIME_AFTER_NAME]) + Long.parseLong(fields[STIME_AFTER_NAME]);
        } catch (NumberFormatException e) {
            throw new IOException("unexpected content in " + source + ": " + statLine.strip(), e);
        }
    }

    /** CLK_TCK of this machine (100 on most); IOException when getconf could not tell it. */
    static long ticksPerSecond() throws IOException {
        if (ClockTicks.FAILURE != null) {
            throw new IOException(ClockTicks.FAILURE.getMessage(), ClockTicks.FAILURE);
        }
        return ClockTicks.PER_SECOND;
    }

    /** Asks getconf the first time a reading needs it, and never again: its answer, or why there is none. */
    private static final class ClockTicks {
        static final long PER_SECOND;
        static final IOException FAILURE;

        static {
            long ticks = 0;
            IOException failure = null;
            try {
                ticks = askGetconf();
            } catch (IOException e) {
                failure = e;
            }
            PER_SECOND = ticks;
            FAILURE = failure;
        }
    }

    private static long askGetconf() throws IOException {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String answer = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            if (!getconf.waitFor(10, TimeUnit.SECONDS)) {
                getconf.destroyForcibly();
                throw new IOException("getconf CLK_TCK did not answer");
            }
            long ticks = Long.parseLong(answer);
            if (ticks <= 0) {
                throw new IOException("getconf CLK_TCK answered " + answer);
            }
            return ticks;
        } catch (NumberFormatException e) {
            throw new IOException("getconf CLK_TCK answered no number", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking getconf CLK_TCK", e);
        }
    }
}
