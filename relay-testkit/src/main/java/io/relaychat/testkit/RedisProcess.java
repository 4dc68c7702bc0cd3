package io.relaychat.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} for tests, on a free loopback port, in a folder of its own, without persistence.
 * It can be killed (SIGKILL, as a crash) and started again on the same port. The binary is the PATH's, else the
 * one shipped in the embedded-redis artifact ({@link RedisBinary}); tests that need a newer Redis than that ask
 * {@link #binary()} and skip saying so. Nothing else skips: a server that does not start fails the test, with its log.
 * Closing it deletes its folder.
 */
public final class RedisProcess implements AutoCloseable {
    private final RedisBinary binary;
    private final int port;
    private final Path dir;
    private final Path log;
    private Process process;

    private RedisProcess(RedisBinary binary, int port) throws IOException {
        this.binary = binary;
        this.port = port;
        this.dir = Files.createTempDirectory("redis-" + port);
        this.log = dir.resolve("redis.log");
    }

    public static RedisProcess start() {
        return start(RedisBinary.find());
    }

    /** A server of the given binary, e.g. one found on another search path. */
    public static RedisProcess start(RedisBinary binary) {
        try (ServerSocket probe = new ServerSocket(0)) {
            RedisProcess redis = new RedisProcess(binary, probe.getLocalPort());
            probe.close();
            try {
                return redis.restart();
            } catch (RuntimeException | Error e) {
                redis.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Which redis-server this is, and its version. */
    public RedisBinary binary() {
        return binary;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Starts the server (again) on its port and waits until it answers PING. */
    public synchronized RedisProcess restart() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("redis-server is already running on " + port);
        }
        try {
            process = new ProcessBuilder(binary.path().toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                    "--dir", dir.toString(), "--save", "", "--appendonly", "no", "--protected-mode", "no")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary.path(), e);
        }
        try {
            Await.until("redis-server answers on port " + port, Duration.ofSeconds(10), this::answersPing);
        } catch (AssertionError silent) {
            // the log goes with the folder when the caller closes this
            throw new AssertionError(silent.getMessage() + "\n" + logText(), silent);
        }
        return this;
    }

    /** Kills the server at once, as a crash would; clients see their connections drop. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Kills the server and deletes its folder, once it has exited and so writes nothing more there. */
    @Override
    public void close() {
        kill();
        TempFolders.delete(dir);
    }

    /** The folder the server runs in, for tests that closing deletes it. */
    Path dir() {
        return dir;
    }

    private String logText() {
        try {
            return "--- " + log + "\n" + (Files.exists(log) ? Files.readString(log) : "");
        } catch (IOException e) {
            return "--- cannot read " + log + ": " + e;
        }
    }

    private boolean answersPing() {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = new byte[7];
            int read = in.read(reply);
            return read > 0 && new String(reply, 0, read, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }
}
