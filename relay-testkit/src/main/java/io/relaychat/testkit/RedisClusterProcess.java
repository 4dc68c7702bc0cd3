package io.relaychat.testkit;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * A real Redis Cluster for tests: {@code redis-server --cluster-enabled yes} processes on loopback, three masters
 * with a replica each unless asked otherwise, joined by {@code redis-cli --cluster create}. It says where a key lives
 * ({@link #slotOf}, {@link #masterPortOf}) and can crash a key's master and wait until its replica has taken over:
 * what a chat backend on Lettuce's cluster client has to survive. Nothing is persisted; the nodes give up on a silent
 * peer after one second, so that a failover takes seconds instead of the default's tens of seconds.
 *
 * <p>The cluster is built with {@code redis-cli} from the PATH (Debian: redis-tools). Without it the test is
 * skipped, saying so, except under CI ({@code CI=true}), where it fails: CI installs it.
 */
public final class RedisClusterProcess implements AutoCloseable {
    private static final int SLOTS = 16384;
    private static final Duration CREATE_BOUND = Duration.ofSeconds(60);
    private static final Duration FORMING_BOUND = Duration.ofSeconds(30);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);

    private final RedisBinary binary;
    private final Path dir;
    private final List<RedisNodeProcess> nodes = new ArrayList<>();
    private Crash lastCrash;

    /** A master killed by {@link #killMasterOf}: its port, the slots it served, and when it died. */
    private record Crash(int port, List<ClusterNodes.SlotRange> slots, long diedAtNanos) {
    }

    private RedisClusterProcess(RedisBinary binary, List<Integer> ports) throws IOException {
        this.binary = binary;
        this.dir = Files.createTempDirectory("redis-cluster");
        for (int port : ports) {
            Path nodeDir = Files.createDirectory(dir.resolve("node-" + port));
            nodes.add(new RedisNodeProcess("cluster node", port, nodeDir, nodeCommand(port, nodeDir)));
        }
    }

    /** Three masters, each with one replica: six processes. */
    public static RedisClusterProcess start() {
        return start(3, 1);
    }

    public static RedisClusterProcess start(int masters, int replicasPerMaster) {
        if (masters < 3) {
            throw new IllegalArgumentException("Redis Cluster needs at least 3 masters, not " + masters);
        }
        if (replicasPerMaster < 0) {
            throw new IllegalArgumentException("replicas per master cannot be negative: " + replicasPerMaster);
        }
        Path redisCli = redisCli(System.getenv().getOrDefault("PATH", ""), System.getenv("CI"));
        RedisClusterProcess cluster;
        try {
            cluster = new RedisClusterProcess(RedisBinary.find(),
                    LoopbackPorts.freeWithClusterBus(masters * (1 + replicasPerMaster)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the cluster's folders", e);
        }
        try {
            cluster.nodes.forEach(RedisNodeProcess::start);
            cluster.create(redisCli, replicasPerMaster);
            cluster.awaitFormed();
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** Which redis-server the nodes run: tests of sharded pub/sub ask it for {@code atLeast(7, 0)}. */
    public RedisBinary binary() {
        return binary;
    }

    /** Every node as a seed, as Lettuce's {@code RedisClusterClient.create(String)} takes them: {@code redis://h:p,h:p}. */
    public String url() {
        return "redis://" + nodes.stream().map(node -> "127.0.0.1:" + node.port()).collect(Collectors.joining(","));
    }

    /**
     * The cluster's slot of {@code key}: CRC16 (XMODEM) mod 16384 of the key's UTF-8 bytes, or of its hash tag, the
     * part between its first '{' and the first '}' after it when that part is not empty. Redis hashes bytes, and the
     * chat backend's keys reach it as UTF-8.
     */
    public static int slotOf(String key) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        int open = indexOf(bytes, '{', 0);
        if (open >= 0) {
            int close = indexOf(bytes, '}', open + 1);
            if (close > open + 1) {
                return crc16(bytes, open + 1, close) % SLOTS;
            }
        }
        return crc16(bytes, 0, bytes.length) % SLOTS;
    }

    /** The port of the master serving {@code key}'s slot now, as a live node sees it. */
    public int masterPortOf(String key) {
        return servingMasterOf(key).port();
    }

    /** The masters serving slots now, the one with the lowest slots first. */
    public List<Integer> masterPorts() {
        return liveView().nodes().stream().filter(node -> node.isMaster() && !node.isFailing() && !node.slots().isEmpty())
                .sorted(Comparator.comparingInt(node -> node.slots().get(0).first()))
                .map(ClusterNodes.Node::port).toList();
    }

    /** The replicas not failing now, in port order. */
    public List<Integer> replicaPorts() {
        return liveView().nodes().stream().filter(node -> node.isReplica() && !node.isFailing())
                .map(ClusterNodes.Node::port).sorted().toList();
    }

    /** Empties every master (their replicas follow), so that a test starts from nothing, as on a cluster of its own. */
    public void flushAll() {
        for (int port : masterPorts()) {
            try {
                RespClient.call(port, "FLUSHALL", "SYNC");
            } catch (IOException e) {
                throw new UncheckedIOException("FLUSHALL on port " + port + " failed", e);
            }
        }
    }

    /** Kills the master serving {@code key}'s slot at once (SIGKILL), as a crash; returns its port. */
    public synchronized int killMasterOf(String key) {
        ClusterNodes.Node master = servingMasterOf(key);
        nodeOn(master.port()).kill();
        lastCrash = new Crash(master.port(), master.slots(), System.nanoTime());
        return master.port();
    }

    /**
     * Waits, at most {@code bound}, until the slots of the master last killed are served by another node (its promoted
     * replica) in the view of every surviving node, and every one of them reports {@code cluster_state:ok}. Returns
     * the time from the kill until then.
     */
    public Duration awaitFailover(Duration bound) {
        Crash crash;
        synchronized (this) {
            crash = lastCrash;
        }
        if (crash == null) {
            throw new IllegalStateException("no master has been killed: call killMasterOf first");
        }
        await("another node serves the slots " + crash.slots() + " of the master killed on port " + crash.port()
                + ", as every surviving node sees it, and each reports cluster_state:ok", bound, () -> hasFailedOver(crash));
        return Duration.ofNanos(System.nanoTime() - crash.diedAtNanos());
    }

    /**
     * Starts a killed node again on its port, with its folder and so its cluster configuration, and waits until the
     * cluster is whole again. A master whose replica took over comes back as that replica's replica.
     */
    public void restart(int port) {
        nodeOn(port).start();
        awaitFormed();
    }

    /**
     * Kills every node, then deletes the cluster's folder. The logs go with it: a cluster that fails to form or to
     * fail over says so with their tails.
     */
    @Override
    public void close() {
        nodes.forEach(RedisNodeProcess::kill);
        TempFolders.delete(dir);
    }

    /** The folder of the cluster's nodes, for tests that closing deletes it. */
    Path dir() {
        return dir;
    }

    private List<String> nodeCommand(int port, Path nodeDir) {
        return List.of(binary.path().toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--dir", nodeDir.toString(), "--save", "", "--appendonly", "no", "--protected-mode", "no",
                // A master sends its data to a new replica at once, not after waiting 5 s for others to join it.
                "--repl-diskless-sync-delay", "0",
                "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                // A peer silent for 3 s is suspected: a crash is failed over within seconds, a stall of a busy machine is not.
                "--cluster-node-timeout", "3000",
                // A replica may take over however long it was cut off from its master: tests kill masters at will.
                "--cluster-replica-validity-factor", "0");
    }

    /** redis-cli on {@code searchPath}; without it the test is skipped, or fails when {@code ci} is "true". */
    static Path redisCli(String searchPath, String ci) {
        Optional<Path> redisCli = RedisBinary.onPath(searchPath, "redis-cli");
        if (redisCli.isPresent()) {
            return redisCli.get();
        }
        String why = "redis-cli is not on the PATH, and it is what builds the cluster (redis-cli --cluster create): "
                + "install it (Debian: apt-get install redis-tools)";
        if ("true".equals(ci)) {
            throw new AssertionError(why);
        }
        return Assumptions.abort(why);
    }

    private void create(Path redisCli, int replicasPerMaster) {
        List<String> command = new ArrayList<>(List.of(redisCli.toString(), "--cluster", "create"));
        nodes.forEach(node -> command.add("127.0.0.1:" + node.port()));
        command.addAll(List.of("--cluster-replicas", String.valueOf(replicasPerMaster), "--cluster-yes"));
        Path log = dir.resolve("cluster-create.log");
        try {
            Process create = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            create.getOutputStream().close();
            if (!create.waitFor(CREATE_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
                create.destroyForcibly();
                throw new AssertionError("redis-cli --cluster create did not finish within " + CREATE_BOUND + ":\n"
                        + Files.readString(log) + "\n" + RedisNodeProcess.logTails(nodes));
            }
            if (create.exitValue() != 0) {
                throw new AssertionError("redis-cli --cluster create failed with status " + create.exitValue() + ":\n"
                        + Files.readString(log) + "\n" + RedisNodeProcess.logTails(nodes));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + redisCli, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while the cluster was being created", e);
        }
    }

    /** redis-cli returns once the slots are assigned; the nodes may still be gossiping about each other then. */
    private void awaitFormed() {
        await("each of the " + nodes.size() + " nodes reports cluster_state:ok and sees every node healthy, and each "
                + "replica's link to its master is up", FORMING_BOUND, this::isFormed);
    }

    private boolean isFormed() {
        for (RedisNodeProcess node : nodes) {
            try {
                if (!reportsOk(node.port())) {
                    return false;
                }
                ClusterNodes view = viewOf(node.port());
                if (view.nodes().size() != nodes.size() || !view.nodes().stream().allMatch(ClusterNodes.Node::isHealthy)) {
                    return false;
                }
                if (view.myself().isReplica() && !"up".equals(
                        RespClient.field(RespClient.text(node.port(), "INFO", "replication"), "master_link_status"))) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    private boolean hasFailedOver(Crash crash) {
        for (RedisNodeProcess node : nodes) {
            if (!node.isAlive()) {
                continue;
            }
            try {
                if (!reportsOk(node.port())) {
                    return false;
                }
                ClusterNodes view = viewOf(node.port());
                // A failover moves a master's slots together, so the bounds of each range stand for all of it.
                for (ClusterNodes.SlotRange range : crash.slots()) {
                    for (int slot : new int[] {range.first(), range.last()}) {
                        Optional<ClusterNodes.Node> owner = view.servingMasterOf(slot);
                        if (owner.isEmpty() || owner.get().port() == crash.port() || owner.get().isFailing()) {
                            return false;
                        }
                    }
                }
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    private ClusterNodes.Node servingMasterOf(String key) {
        int slot = slotOf(key);
        ClusterNodes view = liveView();
        return view.servingMasterOf(slot).orElseThrow(() -> new IllegalStateException(
                "no master serves slot " + slot + " (of key " + key + ") now; the cluster's view: " + view.nodes()));
    }

    /** The view of the first live node that answers: the fixture's nodes agree once formed or failed over. */
    private ClusterNodes liveView() {
        for (RedisNodeProcess node : nodes) {
            if (node.isAlive()) {
                try {
                    return viewOf(node.port());
                } catch (IOException e) {
                    // a node on its way down: ask the next
                }
            }
        }
        throw new IllegalStateException("no node of the cluster answers CLUSTER NODES");
    }

    private static ClusterNodes viewOf(int port) throws IOException {
        return ClusterNodes.parse(RespClient.text(port, "CLUSTER", "NODES"));
    }

    private static boolean reportsOk(int port) throws IOException {
        return "ok".equals(RespClient.field(RespClient.text(port, "CLUSTER", "INFO"), "cluster_state"));
    }

    private RedisNodeProcess nodeOn(int port) {
        return nodes.stream().filter(node -> node.port() == port).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node of this cluster is on port " + port));
    }

    private void await(String what, Duration bound, BooleanSupplier condition) {
        try {
            Await.until(what, bound, POLL_INTERVAL, condition);
        } catch (AssertionError timedOut) {
            throw new AssertionError(timedOut.getMessage() + "\n" + RedisNodeProcess.logTails(nodes), timedOut);
        }
    }

    private static int indexOf(byte[] bytes, char wanted, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    /** CRC16/XMODEM (polynomial 0x1021, initial 0), the checksum Redis Cluster hashes keys with. */
    private static int crc16(byte[] bytes, int from, int to) {
        int crc = 0;
        for (int i = from; i < to; i++) {
            crc ^= (bytes[i] & 0xFF) << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            crc &= 0xFFFF;
        }
        return crc;
    }
}
