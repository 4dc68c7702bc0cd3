package io.relaychat.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** One run of a command to its end, as an operator's shell runs it: its exit code and both outputs. */
record ProcessRun(int exit, String out, String err) {

    /**
     * Runs {@code command} with its environment as {@code environment} leaves the test's; a run past {@code limit} is
     * killed and reads as exit -1.
     */
    static ProcessRun toEnd(List<String> command, Consumer<Map<String, String>> environment, Duration limit)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("relay-run", ".out");
        Path err = Files.createTempFile("relay-run", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            environment.accept(builder.environment());
            Process process = builder.start();
            boolean ended = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            return new ProcessRun(ended ? process.exitValue() : -1, Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** The JDK running these tests: the same java for the runs they start. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
