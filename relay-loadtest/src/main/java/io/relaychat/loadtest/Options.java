package io.relaychat.loadtest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What to run, from {@code --name value} arguments. Every loop is bounded: by {@link #duration} for
 * sending, {@link #drain} for waiting after it, and the ramp's step count.
 *
 * @param target            {@code relay} (the full protocol: users, rooms, tokens over REST) or {@code ceiling}
 *                          (the bare broadcast server: no REST, any token)
 * @param url               the server's base URL; several, comma-separated, spread the connections over
 *                          the nodes of one service (connection i to node i mod n; setup goes to the first)
 * @param connections       WebSocket connections to open
 * @param roomSize          connections per room; rooms = connections / roomSize
 * @param rate              messages per second sent in total, on a fixed schedule (open loop)
 * @param warmup            how long to send first, unmeasured (JIT, caches), before each measured run
 * @param duration          how long to send
 * @param drain             how long to wait for deliveries after sending stops
 * @param sourceAddresses   loopback source addresses to spread connections over (127.0.0.2 onwards)
 * @param ramp              step the rate up until p99 exceeds 100 ms or anything is lost
 * @param rampFactor        rate multiplier per ramp step
 * @param rampSteps         the most ramp steps
 * @param idle              connect and join only, then measure the server's memory per connection, and its CPU
 *                          while the joined connections sit idle for {@link #idleHold}
 * @param tokensFile        where to keep registered users and tokens, reused by later runs on the same server
 * @param json              where to write the results as JSON
 * @param serverPids        the server's process ids (one per node), to report their CPU per measured phase, and
 *                          with one, its RSS (and heap, through jcmd)
 * @param storePids         the store's process ids (a store of its own process, such as the MongoDB stand-in), to
 *                          report its CPU per measured phase apart from the server's; none: not reported
 * @param busPids           the bus's process ids (one redis-server, or every node of a Redis Cluster), to report their
 *                          CPU per measured phase apart from the server's and the store's; none: not reported
 * @param processes         generator processes to spread the connections over (one process holds at most
 *                          ~19 000 sockets here, under the 20 000 open-file limit); this one starts the others
 * @param workerIndex       set on the processes this one starts: which share of the connections is theirs
 * @param workDir           where the processes of one run meet: plan, barrier and result files
 * @param stalledReaders    connections of the first room that stop reading once joined (and never send), to see
 *                          the server close them as too slow while the rest of the room goes on; not counted
 * @param churn             extra connections that come and go all run long (connect, join, chat, leave), in
 *                          rooms of their own; not counted, only their cost to the server is
 * @param leaveAt           when set, the first connection of the first room reads as usual, never sends, is left out of
 *                          the counts, and leaves (closes) this long into the measured phase: what one user leaving a
 *                          busy room costs the others, to set against a stalled reader's close
 * @param padding           characters added to every measured message's content (its size on the wire), so that a
 *                          stalled reader fills its bound in seconds
 * @param abusers           extra hostile clients all run long (flooders, garbage senders, slow heads, stalled
 *                          bodies, stalled readers, password guessers); not counted, only what they get is
 * @param compression       the measured and churning clients offer permessage-deflate and inflate what comes
 *                          compressed (their own frames go uncompressed); the server compresses only with
 *                          RELAY_WS_COMPRESSION=true
 * @param idleHold          with {@link #idle}: how long the joined connections sit idle while the server's CPU is
 *                          measured; zero: not measured
 */
record Options(String target, String url, int connections, int roomSize, int rate, Duration warmup, Duration duration,
               Duration drain,
               int sourceAddresses, boolean ramp, double rampFactor, int rampSteps, boolean idle, Path tokensFile,
               Path json, List<Long> serverPids, List<Long> storePids, List<Long> busPids, int setupConcurrency,
               int connectConcurrency, int processes, int workerIndex, Path workDir, int stalledReaders, int churn, int abusers, int padding,
               Duration leaveAt, boolean compression, Duration idleHold) {

    private static final Set<String> FLAGS = Set.of("ramp", "idle", "compression");

    static Options parse(String... args) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value, got '" + args[i] + "'");
            }
            String name = args[i].substring(2);
            if (FLAGS.contains(name)) {
                values.put(name, "true");
            } else if (i + 1 < args.length) {
                values.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
        }
        Options options = new Options(
                values.getOrDefault("target", "relay"),
                values.getOrDefault("url", "http://127.0.0.1:8001"),
                Integer.parseInt(values.getOrDefault("connections", "200")),
                Integer.parseInt(values.getOrDefault("room-size", "10")),
                Integer.parseInt(values.getOrDefault("rate", "100")),
                Duration.ofMillis((long) (Double.parseDouble(values.getOrDefault("warmup", "0")) * 1000)),
                Duration.ofMillis((long) (Double.parseDouble(values.getOrDefault("duration", "10")) * 1000)),
                Duration.ofMillis((long) (Double.parseDouble(values.getOrDefault("drain", "3")) * 1000)),
                Integer.parseInt(values.getOrDefault("source-addresses", "8")),
                values.containsKey("ramp"),
                Double.parseDouble(values.getOrDefault("ramp-factor", "1.25")),
                Integer.parseInt(values.getOrDefault("ramp-steps", "20")),
                values.containsKey("idle"),
                values.containsKey("tokens-file") ? Path.of(values.get("tokens-file")) : null,
                values.containsKey("json") ? Path.of(values.get("json")) : null,
                pids("server-pid", values.getOrDefault("server-pid", "")),
                pids("store-pid", values.getOrDefault("store-pid", "")),
                pids("bus-pid", values.getOrDefault("bus-pid", "")),
                Integer.parseInt(values.getOrDefault("setup-concurrency", "32")),
                Integer.parseInt(values.getOrDefault("connect-concurrency", "256")),
                Integer.parseInt(values.getOrDefault("processes", "1")),
                Integer.parseInt(values.getOrDefault("worker-index", "-1")),
                values.containsKey("work-dir") ? Path.of(values.get("work-dir")) : null,
                Integer.parseInt(values.getOrDefault("stalled-readers", "0")),
                Integer.parseInt(values.getOrDefault("churn", "0")),
                Integer.parseInt(values.getOrDefault("abusers", "0")),
                Integer.parseInt(values.getOrDefault("padding", "0")),
                Duration.ofMillis((long) (Double.parseDouble(values.getOrDefault("leave-at", "0")) * 1000)),
                values.containsKey("compression"),
                Duration.ofMillis((long) (Double.parseDouble(values.getOrDefault("idle-hold", "10")) * 1000)));
        if (options.processes() < 1) {
            throw new IllegalArgumentException("--processes must be positive");
        }
        if (options.processes() > 1 && (options.ramp() || !options.warmup().isZero())) {
            throw new IllegalArgumentException("--ramp and --warmup run in one generator process");
        }
        if (options.processes() > 1 && (options.stalledReaders() > 0 || options.churn() > 0 || options.abusers() > 0)) {
            throw new IllegalArgumentException("--stalled-readers, --churn and --abusers run in one generator process");
        }
        if (options.padding() < 0 || options.padding() > 3900) {
            throw new IllegalArgumentException("--padding is 0 to 3900 characters (content is at most 4000 by default)");
        }
        if (!options.leaveAt().isZero() && (options.stalledReaders() > 0 || options.processes() > 1)) {
            throw new IllegalArgumentException("--leave-at takes the first connection, which --stalled-readers does too; "
                    + "and it runs in one generator process");
        }
        if (options.stalledReaders() < 0 || options.stalledReaders() >= options.roomSize()) {
            throw new IllegalArgumentException("--stalled-readers is 0 to --room-size - 1");
        }
        if ((options.churn() > 0 || options.abusers() > 0) && options.target().equals("ceiling")) {
            throw new IllegalArgumentException("--churn and --abusers need the full protocol (--target relay)");
        }
        if (!Set.of("relay", "ceiling").contains(options.target())) {
            throw new IllegalArgumentException("--target is relay or ceiling");
        }
        if (options.connections() < options.roomSize() || options.roomSize() < 1) {
            throw new IllegalArgumentException("--connections must be at least --room-size, which must be positive");
        }
        if (options.sourceAddresses() < 1 || options.sourceAddresses() > 250) {
            throw new IllegalArgumentException("--source-addresses is 1 to 250");
        }
        if (options.rate() < 1 && !options.idle()) {
            throw new IllegalArgumentException("--rate must be positive");
        }
        if (options.idleHold().isNegative()) {
            throw new IllegalArgumentException("--idle-hold is 0 or more seconds");
        }
        return options;
    }

    /** "81,82": every pid of a comma-separated list, each positive; none for an empty text. */
    private static List<Long> pids(String option, String text) {
        List<Long> pids = new java.util.ArrayList<>();
        for (String pid : text.split(",")) {
            if (pid.isBlank()) {
                continue;
            }
            long value = Long.parseLong(pid.strip());
            if (value <= 0) {
                throw new IllegalArgumentException("--" + option + " takes positive process ids, comma-separated");
            }
            pids.add(value);
        }
        return List.copyOf(pids);
    }

    /** The one server process whose memory is probed (through /proc and jcmd); 0 when none or several are given. */
    long memoryProbePid() {
        return serverPids.size() == 1 ? serverPids.get(0) : 0;
    }

    int rooms() {
        return connections / roomSize;
    }

    /** The base URL of every node. */
    java.util.List<java.net.URI> nodes() {
        return java.util.Arrays.stream(url.split(",")).map(String::strip).map(java.net.URI::create).toList();
    }

    String setupUrl() {
        return nodes().get(0).toString();
    }

    Options withRate(int value) {
        return new Options(target, url, connections, roomSize, value, warmup, duration, drain, sourceAddresses, ramp, rampFactor,
                rampSteps, idle, tokensFile, json, serverPids, storePids, busPids, setupConcurrency, connectConcurrency,
                processes, workerIndex, workDir, stalledReaders, churn, abusers, padding, leaveAt, compression, idleHold);
    }

    static String usage() {
        return """
                usage: java -jar relay-loadtest.jar [--name value ...]
                  --target relay|ceiling     full protocol (default) or the bare broadcast server
                  --url http://127.0.0.1:8001   several, comma-separated: connections spread over the nodes
                  --connections 200          WebSocket connections
                  --room-size 10             connections per room
                  --rate 100                 messages per second, in total, on a fixed schedule
                  --warmup 0                 seconds of unmeasured sending first (JIT, caches)
                  --duration 10              seconds of sending
                  --drain 3                  seconds to wait for deliveries afterwards
                  --source-addresses 8       spread connections over 127.0.0.2 .. 127.0.0.(1+n)
                  --ramp                     step the rate up (x --ramp-factor 1.25, at most --ramp-steps 20)
                                             until p99 > 100 ms or any loss; report the highest sustained
                  --idle                     connect and join only; report server memory per connection, and
                                             its CPU while they sit idle for --idle-hold 10 seconds (0: not)
                  --tokens-file users.tsv    reuse registered users across runs against one server
                  --json results.json        write the results as JSON
                  --server-pid PID[,PID...]  report the server's CPU per measured phase (several: one per node,
                                             summed), and with one pid its RSS (and heap via jcmd)
                  --store-pid PID[,PID...]   report the store's CPU apart (e.g. the MongoDB stand-in's)
                  --bus-pid PID[,PID...]     report the bus's CPU apart (one redis-server, or every node of a
                                             Redis Cluster, summed)
                  --processes 1              spread the connections over this many generator processes
                                             (each holds at most ~19 000 sockets under a 20 000 open-file limit)
                  --stalled-readers 0        connections of the first room that stop reading once joined
                  --padding 0                characters added to every message's content
                  --compression              offer permessage-deflate (the server needs RELAY_WS_COMPRESSION=true)
                  --leave-at 0               seconds into the run when the first connection leaves (not counted)
                  --churn 0                  extra connections that connect, join, chat and leave all run long
                  --abusers 0                extra hostile clients all run long (floods, garbage, slow heads,
                                             stalled bodies and readers, password guessing); with --churn, a soak:
                                             the server's heap, open files and threads before and after
                java -jar relay-loadtest.jar ceiling-server --port 9001   runs the bare broadcast server
                """;
    }
}
