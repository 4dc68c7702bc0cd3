package io.relaychat.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Sentinel-managed primary for tests: a redis-server primary, one replica of it, and three sentinels watching them
 * under the name {@code relay}, all on loopback. It can crash the primary and wait until the sentinels have promoted
 * the replica: what a chat backend connected through Lettuce's Sentinel URI has to survive. Nothing is persisted; the
 * sentinels call a primary down after one second of silence, so that a failover takes seconds.
 *
 * <p>A sentinel is Debian's {@code redis-sentinel} when it is on the PATH, else {@code redis-server --sentinel}, the
 * same program in its Sentinel mode.
 */
public final class RedisSentinelProcess implements AutoCloseable {
    private static final String MASTER_NAME = "relay";
    private static final int SENTINELS = 3;
    /** Two of the three sentinels must agree that the primary is down before one of them fails it over. */
    private static final int QUORUM = 2;
    private static final Duration WATCHING_BOUND = Duration.ofSeconds(30);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);

    private final RedisBinary binary;
    private final Path dir;
    private final RedisNodeProcess firstPrimary;
    private final RedisNodeProcess firstReplica;
    private final List<RedisNodeProcess> sentinels = new ArrayList<>();
    private Crash lastCrash;

    /** A primary killed by {@link #killPrimary}: its port and when it died. */
    private record Crash(int port, long diedAtNanos) {
    }

    private RedisSentinelProcess(RedisBinary binary, List<Integer> ports) throws IOException {
        this.binary = binary;
        this.dir = Files.createTempDirectory("redis-sentinel");
        int primaryPort = ports.get(0);
        int replicaPort = ports.get(1);
        this.firstPrimary = new RedisNodeProcess("primary", primaryPort, Files.createDirectory(dir.resolve("primary")),
                serverCommand(primaryPort, dir.resolve("primary"), List.of()));
        this.firstReplica = new RedisNodeProcess("replica", replicaPort, Files.createDirectory(dir.resolve("replica")),
                serverCommand(replicaPort, dir.resolve("replica"),
                        List.of("--replicaof", "127.0.0.1", String.valueOf(primaryPort))));
        for (int port : ports.subList(2, ports.size())) {
            Path sentinelDir = Files.createDirectory(dir.resolve("sentinel-" + port));
            sentinels.add(new RedisNodeProcess("sentinel", port, sentinelDir,
                    sentinelCommand(writeSentinelConfig(port, sentinelDir, primaryPort))));
        }
    }

    /** Starts the primary, its replica and three sentinels, and waits until every sentinel knows them all. */
    public static RedisSentinelProcess start() {
        RedisSentinelProcess group;
        try {
            group = new RedisSentinelProcess(RedisBinary.find(), LoopbackPorts.free(2 + SENTINELS));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the Sentinel group's folders and configuration", e);
        }
        try {
            group.firstPrimary.start();
            group.firstReplica.start();
            group.sentinels.forEach(RedisNodeProcess::start);
            group.awaitWatched();
            return group;
        } catch (RuntimeException | Error e) {
            group.close();
            throw e;
        }
    }

    /** The sentinels and the primary's name, in Lettuce's form: {@code redis-sentinel://h:p,h:p,h:p#relay}. */
    public String url() {
        return "redis-sentinel://" + sentinels.stream().map(sentinel -> "127.0.0.1:" + sentinel.port())
                .collect(Collectors.joining(",")) + "#" + MASTER_NAME;
    }

    public String masterName() {
        return MASTER_NAME;
    }

    /** The port of the primary, as a sentinel names it now. */
    public int primaryPort() {
        for (RedisNodeProcess sentinel : sentinels) {
            if (sentinel.isAlive()) {
                try {
                    return primaryNamedBy(sentinel);
                } catch (IOException e) {
                    // a sentinel that does not answer: ask the next
                }
            }
        }
        throw new IllegalStateException("no sentinel names a primary for " + MASTER_NAME);
    }

    /** The port of the other server: the replica until a failover, afterwards the primary that was killed. */
    public int replicaPort() {
        int primary = primaryPort();
        return primary == firstPrimary.port() ? firstReplica.port() : firstPrimary.port();
    }

    /** Kills the primary at once (SIGKILL), as a crash; returns its port. */
    public synchronized int killPrimary() {
        int port = primaryPort();
        serverOn(port).kill();
        lastCrash = new Crash(port, System.nanoTime());
        return port;
    }

    /**
     * Waits, at most {@code bound}, until every sentinel names the other server as the primary and that server
     * reports {@code role:master}. Returns the time from the kill until then.
     */
    public Duration awaitFailover(Duration bound) {
        Crash crash;
        synchronized (this) {
            crash = lastCrash;
        }
        if (crash == null) {
            throw new IllegalStateException("no primary has been killed: call killPrimary first");
        }
        await("every sentinel names a primary other than the one killed on port " + crash.port()
                + ", and it reports role:master", bound, () -> hasFailedOver(crash));
        return Duration.ofNanos(System.nanoTime() - crash.diedAtNanos());
    }

    /**
     * Kills the sentinels first, so that none fails over a server the others are killing, then deletes the group's
     * folder. The logs go with it: a group that fails to form or to fail over says so with their tails.
     */
    @Override
    public void close() {
        sentinels.forEach(RedisNodeProcess::kill);
        firstReplica.kill();
        firstPrimary.kill();
        TempFolders.delete(dir);
    }

    /** The folder of the group's processes, for tests that closing deletes it. */
    Path dir() {
        return dir;
    }

    private List<String> serverCommand(int port, Path dir, List<String> role) {
        List<String> command = new ArrayList<>(List.of(binary.path().toString(), "--port", String.valueOf(port),
                "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", "", "--appendonly", "no",
                "--protected-mode", "no",
                // The primary sends its data to the replica at once, not after waiting 5 s for others to join it.
                "--repl-diskless-sync-delay", "0"));
        command.addAll(role);
        return command;
    }

    private List<String> sentinelCommand(Path config) {
        Optional<Path> redisSentinel = RedisBinary.onPath(System.getenv().getOrDefault("PATH", ""), "redis-sentinel");
        return redisSentinel.map(program -> List.of(program.toString(), config.toString()))
                .orElseGet(() -> List.of(binary.path().toString(), config.toString(), "--sentinel"));
    }

    /** In the sentinel's own folder: a sentinel rewrites its configuration with what it learns. */
    private static Path writeSentinelConfig(int port, Path dir, int primaryPort) throws IOException {
        Path config = dir.resolve("sentinel.conf");
        Files.writeString(config, String.join("\n",
                "port " + port,
                "bind 127.0.0.1",
                "protected-mode no",
                "dir \"" + dir + "\"",
                "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + primaryPort + " " + QUORUM,
                // One second of silence and the primary is down; a failover that stalls is retried after 5 s.
                "sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
                "sentinel failover-timeout " + MASTER_NAME + " 5000",
                "sentinel parallel-syncs " + MASTER_NAME + " 1",
                ""));
        return config;
    }

    /** Sentinels find the replica and each other through the primary, within a few seconds of starting. */
    private void awaitWatched() {
        await("the replica's link to the primary is up and every sentinel knows the primary, its replica and the "
                + (SENTINELS - 1) + " other sentinels", WATCHING_BOUND, this::isWatched);
    }

    private boolean isWatched() {
        try {
            String replication = RespClient.text(firstReplica.port(), "INFO", "replication");
            if (!"up".equals(RespClient.field(replication, "master_link_status"))) {
                return false;
            }
            for (RedisNodeProcess sentinel : sentinels) {
                Map<String, String> master = RespClient.pairs(
                        RespClient.call(sentinel.port(), "SENTINEL", "MASTER", MASTER_NAME));
                if (!"master".equals(master.get("flags"))
                        || !String.valueOf(firstPrimary.port()).equals(master.get("port"))
                        || !"1".equals(master.get("num-slaves"))
                        || !String.valueOf(SENTINELS - 1).equals(master.get("num-other-sentinels"))) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private boolean hasFailedOver(Crash crash) {
        try {
            Integer named = null;
            for (RedisNodeProcess sentinel : sentinels) {
                if (!sentinel.isAlive()) {
                    continue;
                }
                int port = primaryNamedBy(sentinel);
                if (port == crash.port() || (named != null && named != port)) {
                    return false;
                }
                named = port;
            }
            return named != null
                    && "master".equals(RespClient.field(RespClient.text(named, "INFO", "replication"), "role"));
        } catch (IOException e) {
            return false;
        }
    }

    private static int primaryNamedBy(RedisNodeProcess sentinel) throws IOException {
        Object answer = RespClient.call(sentinel.port(), "SENTINEL", "get-master-addr-by-name", MASTER_NAME);
        if (answer instanceof List<?> address && address.size() == 2) {
            try {
                return Integer.parseInt(String.valueOf(address.get(1)));
            } catch (NumberFormatException e) {
                throw new IOException(sentinel + " names no port for " + MASTER_NAME + ": " + answer, e);
            }
        }
        throw new IOException(sentinel + " names no primary for " + MASTER_NAME + ": " + answer);
    }

    private RedisNodeProcess serverOn(int port) {
        return Stream.of(firstPrimary, firstReplica).filter(server -> server.port() == port).findFirst()
                .orElseThrow(() -> new IllegalStateException("the sentinels name port " + port
                        + " as primary, which is neither of this group's servers"));
    }

    private void await(String what, Duration bound, BooleanSupplier condition) {
        try {
            Await.until(what, bound, POLL_INTERVAL, condition);
        } catch (AssertionError timedOut) {
            List<RedisNodeProcess> all = new ArrayList<>(List.of(firstPrimary, firstReplica));
            all.addAll(sentinels);
            throw new AssertionError(timedOut.getMessage() + "\n" + RedisNodeProcess.logTails(all), timedOut);
        }
    }
}
