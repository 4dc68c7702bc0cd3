package io.relaychat.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One Redis process of a group a fixture builds (a cluster's node, a Sentinel group's server or sentinel): its port,
 * its own folder and log, the command its group starts it with, and SIGKILL as a crash. When a group will not form,
 * its members' log tails say why. Whatever is still running when the JVM exits is killed then, so that a test run
 * cut short leaves no server holding its port.
 */
final class RedisNodeProcess {
    private static final Duration START_BOUND = Duration.ofSeconds(10);
    private static final int LOG_TAIL_LINES = 12;
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly),
                "redis-process-reaper"));
    }

    private final String role;
    private final int port;
    private final Path dir;
    private final Path log;
    private final List<String> command;
    private Process process;

    /**
     * A process not yet started: {@code command} runs in {@code dir}, which holds its log and whatever it writes;
     * {@code role} names it in failures ("cluster node", "sentinel").
     */
    RedisNodeProcess(String role, int port, Path dir, List<String> command) {
        this.role = role;
        this.port = port;
        this.dir = dir;
        this.log = dir.resolve("redis.log");
        this.command = List.copyOf(command);
    }

    int port() {
        return port;
    }

    /** Starts the process (again) and waits until it answers PING; fails with its log when it exits or stays silent. */
    synchronized void start() {
        if (isAlive()) {
            throw new IllegalStateException(this + " is already running");
        }
        Process started;
        try {
            started = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.get(0), e);
        }
        process = started;
        RUNNING.add(started);
        try {
            Await.until(this + " answers PING", START_BOUND, () -> !started.isAlive() || RespClient.answersPing(port));
        } catch (AssertionError silent) {
            throw new AssertionError(silent.getMessage() + "\n" + logTail(), silent);
        }
        if (!started.isAlive()) {
            RUNNING.remove(started);
            throw new AssertionError(this + " exited at start-up with status " + started.exitValue() + "\n" + logTail());
        }
    }

    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Kills the process at once, as a crash would: no shutdown, no goodbye to its peers. */
    synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RUNNING.remove(process);
    }

    /** The last lines of the process's log, headed by its name: what a failure to form a group shows. */
    String logTail() {
        List<String> lines;
        try {
            lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        } catch (IOException e) {
            return "--- " + this + ": cannot read " + log + ": " + e;
        }
        List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
        return "--- " + this + " (" + log + ")\n" + String.join("\n", tail);
    }

    static String logTails(Collection<RedisNodeProcess> processes) {
        return processes.stream().map(RedisNodeProcess::logTail).collect(Collectors.joining("\n"));
    }

    @Override
    public String toString() {
        return role + " on port " + port;
    }
}
