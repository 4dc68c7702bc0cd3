package io.relaychat.server;

import io.relaychat.testkit.Await;
import io.relaychat.testkit.TempFolders;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The server's main in its own JVM on a free port: stopped with SIGTERM, or killed like a crash. It runs on the
 * default store (SQLite) unless the test names another, in a data folder of its own unless the test names one. A
 * folder of its own is deleted once the process has ended; its log stays readable until the test JVM exits.
 */
final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final int port;
    /** The data folder this made, null when the test named one: that one the test may still read or reuse. */
    private final Path ownData;

    private ServerProcess(Process process, Path log, int port, Path ownData) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.ownData = ownData;
    }

    static ServerProcess start(Map<String, String> env) throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Path log = Files.createTempFile("relay-server", ".log");
        // Tests read the log after a stop, and many never close the server.
        log.toFile().deleteOnExit();
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("PORT", String.valueOf(port));
        Path ownData = null;
        if (!all.containsKey("RELAY_DATA_DIR")) {
            ownData = Files.createTempDirectory("relay-data");
            all.put("RELAY_DATA_DIR", ownData.toString());
        }
        ServerProcess server = new ServerProcess(launch(all, log), log, port, ownData);
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest health = HttpRequest.newBuilder(URI.create(server.http() + "/api/health")).build();
        try {
            Await.until("the server answers", Duration.ofSeconds(30), () -> {
                try {
                    return http.send(health, HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                } catch (IOException e) {
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            });
        } catch (RuntimeException | Error e) {
            server.kill();
            throw e;
        }
        return server;
    }

    String http() {
        return "http://127.0.0.1:" + port;
    }

    String ws(String token) {
        return "ws://127.0.0.1:" + port + "/api/ws?token=" + token;
    }

    String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    int port() {
        return port;
    }

    /** SIGTERM, without waiting: the node drains while the caller watches. */
    void terminate() {
        process.destroy();
    }

    /** Waits at most {@code atMost} for the process to end; true when it has. */
    boolean awaitExit(Duration atMost) throws InterruptedException {
        return process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** SIGTERM, then waits for the process to end; true when it ended by itself. */
    boolean stop() {
        process.destroy();
        try {
            if (process.waitFor(30, TimeUnit.SECONDS)) {
                deleteOwnData();
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill();
        return false;
    }

    @Override
    public void close() {
        stop();
    }

    /** SIGKILL: no shutdown hook runs, nothing is cleaned up in the process. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteOwnData();
    }

    /** Only once the process has ended: a running server still writes its database there. */
    private void deleteOwnData() {
        if (ownData != null && !process.isAlive()) {
            TempFolders.delete(ownData);
        }
    }

    /**
     * The main in a JVM of its own. {@code env} must name RELAY_DATA_DIR, a folder the test deletes: without it SQLite
     * would write into the working directory.
     */
    static Process launch(Map<String, String> env, Path log) throws IOException {
        if (!env.containsKey("RELAY_DATA_DIR")) {
            throw new IllegalArgumentException("name RELAY_DATA_DIR, a folder the test deletes");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // The test class path carries a quieter logback-test.xml, which main replaces with the operator's settings.
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                RelayServerMain.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.equals("MONGO_URL") || name.equals("REDIS_URL")
                || name.equals("JWT_SECRET_KEY") || name.equals("PORT") || name.startsWith("RELAY_LOG_")
                || name.equals("RELAY_STORAGE") || name.equals("RELAY_DATA_DIR") || name.equals("RELAY_UPLOAD_DIR"));
        builder.environment().putAll(env);
        return builder.start();
    }
}
