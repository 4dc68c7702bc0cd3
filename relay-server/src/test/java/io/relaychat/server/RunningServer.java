package io.relaychat.server;

import io.relaychat.testkit.TempFolders;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A real server on a free port with its own upload folder, configured like production via environment names. It
 * keeps its data in memory unless the test names a store (RELAY_STORAGE or MONGO_URL): the default, SQLite, would
 * otherwise write into the working directory. Closing it, or a start that fails, deletes the upload folder.
 */
final class RunningServer implements AutoCloseable {
    static final String SECRET = "test-secret-test-secret-test-secret-0123";

    final RelayServer server;
    final int port;
    final Path uploads;
    final Map<String, String> env;

    private RunningServer(Map<String, String> env) {
        try {
            uploads = Files.createTempDirectory("relay-uploads");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.env = env;
        Map<String, String> all = new HashMap<>();
        all.put("PORT", "0");
        all.put("HOST", "127.0.0.1");
        all.put("JWT_SECRET_KEY", SECRET);
        all.put("RELAY_BCRYPT_COST", "4");
        all.put("RELAY_UPLOAD_DIR", uploads.toString());
        all.put("RELAY_SHUTDOWN_GRACE_SECONDS", "2");
        if (!env.containsKey("RELAY_STORAGE") && !env.containsKey("MONGO_URL")) {
            all.put("RELAY_STORAGE", "memory");
        }
        all.putAll(env);
        RelayServer created = null;
        try {
            created = new RelayServer(ServerConfig.fromEnvironment(all));
            port = created.start();
        } catch (RuntimeException | Error e) {
            // Tests expect some starts to fail (a bad setting, a port still held) and may retry many times.
            discard(created, e);
            throw e;
        } catch (InterruptedException e) {
            discard(created, e);
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        server = created;
    }

    static RunningServer start() {
        return new RunningServer(Map.of());
    }

    static RunningServer start(Map<String, String> env) {
        return new RunningServer(env);
    }

    /** Another server with the same settings, as a restart or a second node would have. */
    RunningServer another() {
        return new RunningServer(env);
    }

    String http() {
        return "http://127.0.0.1:" + port;
    }

    String ws(String token) {
        return "ws://127.0.0.1:" + port + "/api/ws" + (token == null ? "" : "?token=" + token);
    }

    /** Stops the server, then deletes its uploads: they are the server's own files until it has stopped. */
    @Override
    public void close() {
        server.close();
        TempFolders.delete(uploads);
    }

    private void discard(RelayServer created, Throwable failure) {
        try {
            if (created != null) {
                created.close();
            }
        } catch (RuntimeException closing) {
            failure.addSuppressed(closing);
        } finally {
            TempFolders.delete(uploads);
        }
    }
}
