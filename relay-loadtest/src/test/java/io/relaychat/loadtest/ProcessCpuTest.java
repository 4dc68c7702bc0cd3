package io.relaychat.loadtest;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's CPU (and the store's and the bus's, apart) as the load generator reads it from /proc, checked against real processes
 * that spin: a shell that counts to a million (about a second of CPU here), waiting for a line before it starts and
 * after it is done, so that it is alive and still when read.
 */
class ProcessCpuTest {
    /** A tick or two apart: the kernel counts in clock ticks, and the JDK reads the same counters at its own moment. */
    private static final double TICK_TOLERANCE_SECONDS = 0.03;
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    @Test
    void aChildThatSpunAboutASecondIsReadAsPlausibleCpuSecondsAndAsTheJdkReadsIt() throws Exception {
        try (Spinner spinner = Spinner.start()) {
            spinner.go();
            spinner.awaitSpun();
            double wallSeconds = spinner.secondsSinceStarted();

            double cpuSeconds = ProcessCpu.seconds(spinner.pid());

            assertTrue(cpuSeconds > 0.3, "a million turns of a shell loop took " + cpuSeconds + " s of CPU");
            assertTrue(cpuSeconds <= wallSeconds * CORES + TICK_TOLERANCE_SECONDS,
                    cpuSeconds + " s of CPU in " + wallSeconds + " s on " + CORES + " cores");
            assertEquals(spinner.jdkCpuSeconds(), cpuSeconds, TICK_TOLERANCE_SECONDS, "the JDK reads the same counters");
        }
    }

    @Test
    void severalServerProcessesAreSummedAndEachIsReportedToo() throws Exception {
        try (Spinner first = Spinner.start(); Spinner second = Spinner.start()) {
            CpuMeter meter = new CpuMeter(List.of(first.pid(), second.pid()), List.of());
            double firstBefore = first.jdkCpuSeconds();
            double secondBefore = second.jdkCpuSeconds();
            CpuMeter.Reading before = meter.read();
            first.go();
            second.go();
            first.awaitSpun();
            second.awaitSpun();
            CpuMeter.Reading after = meter.read();
            double firstUsed = first.jdkCpuSeconds() - firstBefore;
            double secondUsed = second.jdkCpuSeconds() - secondBefore;

            CpuUse server = meter.between(before, after, 1000).server();

            assertNotNull(server, meter.notes().toString());
            Map<Long, CpuUse> perPid = server.perPid();
            assertEquals(List.of(first.pid(), second.pid()), new ArrayList<>(perPid.keySet()));
            assertEquals(firstUsed, perPid.get(first.pid()).cpuSeconds(), TICK_TOLERANCE_SECONDS);
            assertEquals(secondUsed, perPid.get(second.pid()).cpuSeconds(), TICK_TOLERANCE_SECONDS);
            assertEquals(firstUsed + secondUsed, server.cpuSeconds(), 2 * TICK_TOLERANCE_SECONDS, "the sum of both");
            assertTrue(server.cpuSeconds() > 0.6, server.toString());
            double wallSeconds = (after.nanos() - before.nanos()) / 1e9;
            assertEquals(server.cpuSeconds() / wallSeconds, server.coreShare(), 0.01, server.toString());
            assertTrue(server.coreShare() <= CORES + 0.05, server.toString());
            assertEquals(server.cpuSeconds() * 1e6 / 1000, server.usPerDelivery(), 0.5, "microseconds per delivery");
            assertNotNull(meter.between(before, after, 1000).generator(), "this process is the generator");
        }
    }

    @Test
    void aStoreProcessIsMeasuredApartAndNeverAddedToTheServer() throws Exception {
        try (Spinner server = Spinner.start(); Spinner store = Spinner.start()) {
            CpuMeter meter = new CpuMeter(List.of(server.pid()), List.of(store.pid()), List.of());
            double serverBefore = server.jdkCpuSeconds();
            double storeBefore = store.jdkCpuSeconds();
            CpuMeter.Reading before = meter.read();
            store.go(); // only the store spins; the server waits for its line
            store.awaitSpun();
            CpuMeter.Reading after = meter.read();

            CpuMeter.Cost cost = meter.between(before, after, 1000);

            assertNotNull(cost.store(), meter.notes().toString());
            assertNotNull(cost.server(), meter.notes().toString());
            assertTrue(cost.store().cpuSeconds() > 0.3, cost.toString());
            assertEquals(store.jdkCpuSeconds() - storeBefore, cost.store().cpuSeconds(), TICK_TOLERANCE_SECONDS);
            assertEquals(server.jdkCpuSeconds() - serverBefore, cost.server().cpuSeconds(), TICK_TOLERANCE_SECONDS,
                    "the store's spinning is not the server's");
            assertTrue(cost.server().cpuSeconds() < cost.store().cpuSeconds() / 3, cost.toString());
            assertEquals(cost.store().cpuSeconds() * 1e6 / 1000, cost.store().usPerDelivery(), 0.5,
                    "the store's microseconds per delivery, over the same deliveries");
            assertTrue(cost.store().perPid().isEmpty(), "one store process: no breakdown");
            assertEquals(List.of(), meter.notes());
        }
    }

    @Test
    void aStoreProcessThatCannotBeReadLeavesOnlyTheStoreSideUnmeasuredWithOneNote() {
        long noSuchPid = 999_999_999;
        long self = ProcessHandle.current().pid();
        CpuMeter meter = new CpuMeter(List.of(self), List.of(noSuchPid), List.of());

        meter.read();
        CpuMeter.Cost cost = meter.between(meter.read(), meter.read(), 10);

        assertNull(cost.store());
        assertNotNull(cost.server());
        assertNotNull(cost.generator());
        assertEquals(1, meter.notes().size(), "said once over three readings: " + meter.notes());
        String note = meter.notes().get(0);
        assertTrue(note.startsWith("store CPU not measured") && note.contains("999999999"), note);
    }

    @Test
    void withNoStorePidTheStoreSideIsAbsentWithoutANote() {
        CpuMeter meter = new CpuMeter(List.of(ProcessHandle.current().pid()), List.of(), List.of());

        CpuMeter.Cost cost = meter.between(meter.read(), meter.read(), 10);

        assertNull(cost.store());
        assertNotNull(cost.server());
        assertEquals(List.of(), meter.notes(), "most runs have no store of its own: nothing to say");
    }

    @Test
    void busProcessesAreSummedApartAndNeverAddedToTheServerOrTheStore() throws Exception {
        try (Spinner server = Spinner.start(); Spinner store = Spinner.start();
             Spinner firstShard = Spinner.start(); Spinner secondShard = Spinner.start()) {
            CpuMeter meter = new CpuMeter(List.of(server.pid()), List.of(store.pid()),
                    List.of(firstShard.pid(), secondShard.pid()), List.of());
            double serverBefore = server.jdkCpuSeconds();
            double storeBefore = store.jdkCpuSeconds();
            double firstBefore = firstShard.jdkCpuSeconds();
            double secondBefore = secondShard.jdkCpuSeconds();
            CpuMeter.Reading before = meter.read();
            firstShard.go(); // only the bus spins; the server and the store wait for their lines
            secondShard.go();
            firstShard.awaitSpun();
            secondShard.awaitSpun();
            CpuMeter.Reading after = meter.read();
            double firstUsed = firstShard.jdkCpuSeconds() - firstBefore;
            double secondUsed = secondShard.jdkCpuSeconds() - secondBefore;

            CpuMeter.Cost cost = meter.between(before, after, 1000);

            assertNotNull(cost.bus(), meter.notes().toString());
            assertEquals(List.of(firstShard.pid(), secondShard.pid()), new ArrayList<>(cost.bus().perPid().keySet()));
            assertEquals(firstUsed, cost.bus().perPid().get(firstShard.pid()).cpuSeconds(), TICK_TOLERANCE_SECONDS);
            assertEquals(secondUsed, cost.bus().perPid().get(secondShard.pid()).cpuSeconds(), TICK_TOLERANCE_SECONDS);
            assertEquals(firstUsed + secondUsed, cost.bus().cpuSeconds(), 2 * TICK_TOLERANCE_SECONDS, "the sum of both");
            assertTrue(cost.bus().cpuSeconds() > 0.6, cost.toString());
            assertEquals(server.jdkCpuSeconds() - serverBefore, cost.server().cpuSeconds(), TICK_TOLERANCE_SECONDS,
                    "the bus's spinning is not the server's");
            assertEquals(store.jdkCpuSeconds() - storeBefore, cost.store().cpuSeconds(), TICK_TOLERANCE_SECONDS,
                    "nor the store's");
            assertTrue(cost.server().cpuSeconds() < cost.bus().cpuSeconds() / 3, cost.toString());
            assertEquals(cost.bus().cpuSeconds() * 1e6 / 1000, cost.bus().usPerDelivery(), 0.5,
                    "the bus's microseconds per delivery, over the same deliveries");
            assertEquals(List.of(), meter.notes());
        }
    }

    @Test
    void aBusProcessThatCannotBeReadLeavesOnlyTheBusSideUnmeasuredWithOneNote() {
        long noSuchPid = 999_999_999;
        long self = ProcessHandle.current().pid();
        CpuMeter meter = new CpuMeter(List.of(self), List.of(self), List.of(self, noSuchPid), List.of());

        meter.read();
        CpuMeter.Cost cost = meter.between(meter.read(), meter.read(), 10);

        assertNull(cost.bus(), "one shard unread: the bus's sum would be short, so it is not reported");
        assertNotNull(cost.server());
        assertNotNull(cost.store());
        assertNotNull(cost.generator());
        assertEquals(1, meter.notes().size(), "said once over three readings: " + meter.notes());
        String note = meter.notes().get(0);
        assertTrue(note.startsWith("bus CPU not measured") && note.contains("999999999"), note);
    }

    @Test
    void withNoBusPidTheBusSideIsAbsentWithoutANote() {
        long self = ProcessHandle.current().pid();
        CpuMeter meter = new CpuMeter(List.of(self), List.of(self), List.of());

        CpuMeter.Cost cost = meter.between(meter.read(), meter.read(), 10);

        assertNull(cost.bus());
        assertNotNull(cost.server());
        assertNotNull(cost.store());
        assertEquals(List.of(), meter.notes(), "one node has no bus: nothing to say");
    }

    @Test
    void aServerProcessThatCannotBeReadLeavesTheServerSideUnmeasuredWithANoteAndTheGeneratorSideMeasured() {
        long noSuchPid = 999_999_999; // above the highest pid Linux hands out (2^22)
        CpuMeter meter = new CpuMeter(List.of(noSuchPid), List.of());

        CpuMeter.Cost cost = meter.between(meter.read(), meter.read(), 10);

        assertNull(cost.server());
        assertNotNull(cost.generator());
        assertTrue(meter.notes().stream().anyMatch(note -> note.startsWith("server CPU not measured") && note.contains("999999999")),
                meter.notes().toString());
    }

    @Test
    void withNoServerPidTheServerSideIsUnmeasuredWithANote() {
        CpuMeter meter = new CpuMeter(List.of(), List.of());

        assertNull(meter.between(meter.read(), meter.read(), 10).server());
        assertEquals(List.of("server CPU not measured: no --server-pid given"), meter.notes());
    }

    @Test
    void aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields() throws IOException {
        // Fields 14 and 15 (utime 250, stime 50) of a process named "a) b (c".
        String line = "4242 (a) b (c) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 3 0 12345 0 0\n";

        assertEquals(300, ProcessCpu.ticks(line, "test"));
        assertThrows(IOException.class, () -> ProcessCpu.ticks("4242 (truncated) S 1", "test"));
    }

    @Test
    void serverPidsAreTakenAsACommaSeparatedList() {
        Options several = Options.parse("--server-pid", "81, 82");
        Options one = Options.parse("--server-pid", "81");

        assertEquals(List.of(81L, 82L), several.serverPids());
        assertEquals(0, several.memoryProbePid(), "memory is probed for one server process only");
        assertEquals(81, one.memoryProbePid());
        assertEquals(List.of(), Options.parse().serverPids());
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--server-pid", "81,x"));
    }

    @Test
    void storePidsAreTakenAsACommaSeparatedListApartFromTheServers() {
        Options options = Options.parse("--server-pid", "81", "--store-pid", "91, 92");

        assertEquals(List.of(91L, 92L), options.storePids());
        assertEquals(List.of(81L), options.serverPids(), "the store's pids are not the server's");
        assertEquals(81, options.memoryProbePid(), "memory is probed for the server, whatever the store");
        assertEquals(List.of(91L, 92L), options.withRate(500).storePids(), "a ramp step keeps them");
        assertEquals(List.of(), Options.parse("--server-pid", "81").storePids());
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--store-pid", "91,x"));
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> Options.parse("--store-pid", "-91"));
        assertTrue(negative.getMessage().startsWith("--store-pid"), negative.getMessage());
        assertTrue(Options.usage().contains("--store-pid"), "the usage tells of it");
    }

    @Test
    void busPidsAreTakenAsACommaSeparatedListApartFromTheServersAndTheStores() {
        Options options = Options.parse("--server-pid", "81", "--store-pid", "91", "--bus-pid", "6391, 6392,6393");

        assertEquals(List.of(6391L, 6392L, 6393L), options.busPids());
        assertEquals(List.of(81L), options.serverPids(), "the bus's pids are not the server's");
        assertEquals(List.of(91L), options.storePids(), "nor the store's");
        assertEquals(81, options.memoryProbePid(), "memory is probed for the server, whatever the bus");
        assertEquals(List.of(6391L, 6392L, 6393L), options.withRate(500).busPids(), "a ramp step keeps them");
        assertEquals(List.of(), Options.parse("--server-pid", "81").busPids());
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--bus-pid", "6391,x"));
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> Options.parse("--bus-pid", "0"));
        assertTrue(negative.getMessage().startsWith("--bus-pid"), negative.getMessage());
        assertTrue(Options.usage().contains("--bus-pid"), "the usage tells of it");
    }

    /** A shell that spins once told to, then says so and waits, alive, until closed. */
    private static final class Spinner implements AutoCloseable {
        private static final String SCRIPT = "read go; i=0; while [ $i -lt 1000000 ]; do i=$((i+1)); done; echo spun; read done";

        private final Process process;
        private final BufferedReader output;
        private final Writer input;
        private final long startedAt;

        private Spinner(long startedAt, Process process) {
            this.startedAt = startedAt;
            this.process = process;
            this.output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
            this.input = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
        }

        static Spinner start() throws IOException {
            long startedAt = System.nanoTime();
            return new Spinner(startedAt, new ProcessBuilder("sh", "-c", SCRIPT).redirectErrorStream(true).start());
        }

        double secondsSinceStarted() {
            return (System.nanoTime() - startedAt) / 1e9;
        }

        long pid() {
            return process.pid();
        }

        void go() throws IOException {
            input.write("go\n");
            input.flush();
        }

        /** Waits for "spun", at most a minute (the machine may be shared). */
        void awaitSpun() throws Exception {
            String line = CompletableFuture.supplyAsync(() -> {
                try {
                    return output.readLine();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).get(Duration.ofMinutes(1).toSeconds(), TimeUnit.SECONDS);
            assertEquals("spun", line);
        }

        double jdkCpuSeconds() {
            return process.info().totalCpuDuration().orElseThrow().toNanos() / 1e9;
        }

        @Override
        public void close() throws Exception {
            try {
                input.close(); // the shell's last read ends, and so does the shell
            } catch (IOException ignored) {
                // already gone
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
