package io.relaychat.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The nginx binary of the machine running deploy/nginx/nginx.conf as its own process, in front of nodes on
 * loopback: the lines the configuration marks "tests rewrite" (the upstream servers and the listen address) are
 * pointed at the nodes and a free loopback port, and -g adds what the image's command line would ({@code daemon
 * off}) and a pid file of its own. Closing it ends the master and its workers and deletes its folder.
 */
final class NginxProcess implements AutoCloseable {
    private static final Pattern UPSTREAM_SERVER = Pattern.compile("(?m)^(\\s*)server\\s+relay-\\d+:\\d+;");
    private static final Pattern LISTEN = Pattern.compile("(?m)^(\\s*)listen\\s+80;");
    private static final Duration START_WITHIN = Duration.ofSeconds(10);

    private final Process process;
    private final List<ProcessHandle> workers = new ArrayList<>();
    final Path prefix;
    final int port;

    private NginxProcess(Process process, Path prefix, int port) {
        this.process = process;
        this.prefix = prefix;
        this.port = port;
    }

    /** Debian's /usr/sbin/nginx, or an nginx on the PATH; empty on a machine without it. */
    static Optional<Path> binary() {
        Stream<Path> candidates = Stream.concat(Stream.of(Path.of("/usr/sbin/nginx")),
                Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).filter(dir -> !dir.isEmpty())
                        .map(dir -> Path.of(dir, "nginx")));
        return candidates.filter(Files::isExecutable).findFirst();
    }

    /** The configuration with its upstream servers pointed at {@code nodePorts} on 127.0.0.1 and its listen at {@code port}. */
    static String rewrite(String conf, List<Integer> nodePorts, int port) {
        Matcher server = UPSTREAM_SERVER.matcher(conf);
        StringBuilder rewritten = new StringBuilder();
        Iterator<Integer> nodes = nodePorts.iterator();
        int servers = 0;
        while (server.find()) {
            if (!nodes.hasNext()) {
                throw new AssertionError("the configuration has more upstream servers than the test has nodes");
            }
            server.appendReplacement(rewritten, server.group(1) + "server 127.0.0.1:" + nodes.next() + ";");
            servers++;
        }
        server.appendTail(rewritten);
        if (servers != nodePorts.size()) {
            throw new AssertionError("expected " + nodePorts.size() + " upstream servers 'server relay-N:PORT;', found " + servers);
        }
        Matcher listen = LISTEN.matcher(rewritten);
        if (!listen.find()) {
            throw new AssertionError("no 'listen 80;' line to rewrite");
        }
        String result = listen.replaceFirst(listen.group(1) + "listen 127.0.0.1:" + port + ";");
        if (LISTEN.matcher(result).find()) {
            throw new AssertionError("more than one 'listen 80;' line");
        }
        return result;
    }

    static NginxProcess start(Path binary, String conf, List<Integer> nodePorts) {
        try {
            Path prefix = Files.createTempDirectory("relay-nginx");
            int port = freePort();
            Path confFile = prefix.resolve("nginx.conf");
            Files.writeString(confFile, rewrite(conf, nodePorts, port));
            Process process = new ProcessBuilder(binary.toString(), "-p", prefix + "/", "-c", confFile.toString(),
                    "-e", prefix.resolve("error.log").toString(),
                    "-g", "daemon off; pid " + prefix.resolve("nginx.pid") + ";")
                    .redirectOutput(prefix.resolve("access.log").toFile())
                    .redirectError(prefix.resolve("stderr.log").toFile())
                    .start();
            NginxProcess nginx = new NginxProcess(process, prefix, port);
            nginx.awaitListening();
            return nginx;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + START_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("nginx exited with " + process.exitValue() + ": " + log("error.log") + log("stderr.log"));
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                process.descendants().forEach(workers::add);
                return;
            } catch (IOException notYet) {
                sleep();
            }
        }
        String errors = log("error.log");
        close();
        throw new AssertionError("nginx did not listen on " + port + " within " + START_WITHIN + ": " + errors);
    }

    /** One of the files nginx writes in its prefix (error.log, access.log), for a failure's message. */
    String log(String name) {
        try {
            Path file = prefix.resolve(name);
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "(unreadable " + name + ": " + e + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    /** SIGTERM (nginx's fast shutdown), then SIGKILL to the master and any worker still there. */
    @Override
    public void close() {
        process.descendants().forEach(workers::add);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle worker : workers) {
            if (worker.isAlive()) {
                worker.destroyForcibly();
            }
        }
        deletePrefix();
    }

    private void deletePrefix() {
        try (Stream<Path> files = Files.walk(prefix)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind: nothing a test depends on
        }
    }
}
