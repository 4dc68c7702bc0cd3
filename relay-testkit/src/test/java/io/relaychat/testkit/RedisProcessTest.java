package io.relaychat.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fixture runs the shipped build like an installed one: a free port, its own folder, killed and started again;
 * closed, it deletes that folder.
 */
@IntegrationTest
class RedisProcessTest {

    @Test
    void theShippedBuildServesAndComesBackAfterAKill(@TempDir Path emptyPath) throws IOException {
        Path dir;
        try (RedisProcess redis = RedisProcess.start(RedisBinary.find(emptyPath.toString()))) {
            dir = redis.dir();
            assertEquals("+OK", command(redis.port(), "SET k v"));
            assertEquals("$1", command(redis.port(), "SET k w GET"),
                    "SET ... GET (Redis 6.2), which the node roster relies on, answers the old value, one byte long");

            redis.kill();
            redis.restart();

            assertEquals("$-1", command(redis.port(), "GET k"), "no persistence: a restarted server is empty");
            assertTrue(Files.isDirectory(dir), "a kill keeps the folder for the restart");
        }
        assertFalse(Files.exists(dir), "closed, the fixture deleted " + dir);
    }

    private static String command(int port, String line) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder reply = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\r') {
                reply.append((char) c);
            }
            return reply.toString();
        }
    }
}
