package io.relaychat.server;

import org.junit.jupiter.api.Test;

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

import io.relaychat.testkit.Await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real main in its own JVM: what an operator sees on start, on a bad setting, and on SIGTERM. */
class ServerProcessTest {

    private static Process launch(Map<String, String> env, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // The test class path carries a quieter logging setup; the operator's default is info.
        ProcessBuilder builder = new ProcessBuilder(java, "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-cp", System.getProperty("java.class.path"), RelayServerMain.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.equals("MONGO_URL") || name.equals("REDIS_URL")
                || name.equals("JWT_SECRET_KEY") || name.equals("PORT"));
        builder.environment().putAll(env);
        return builder.start();
    }

    @Test
    void aBadSettingStopsStartUpWithAClearMessageAndNoStackTrace() throws Exception {
        Path log = Files.createTempFile("relay-server", ".log");
        Process process = launch(Map.of("PORT", "eighty"), log);

        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(2, process.exitValue(), output);
        assertTrue(output.contains("configuration error: PORT must be an integer from 0 to 65535, got 'eighty'"), output);
        assertFalse(output.contains("\tat "), "no stack trace: " + output);
    }

    @Test
    void startsWithNoServicesSaysWhichAdaptersItChoseAndStopsGracefullyOnSigterm() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Path log = Files.createTempFile("relay-server", ".log");
        Path uploads = Files.createTempDirectory("relay-uploads");
        Process process = launch(Map.of("PORT", String.valueOf(port), "HOST", "127.0.0.1",
                "RELAY_UPLOAD_DIR", uploads.toString()), log);
        try {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/health")).build();
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

            process.destroy(); // SIGTERM
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "stops after SIGTERM");
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(output.contains("storage: local in-memory — data is lost on restart; set MONGO_URL for durable storage"), output);
            assertTrue(output.contains("JWT_SECRET_KEY is not set; using a random secret"), output);
            assertTrue(output.contains("RelayChat ready in"), output);
            assertTrue(output.contains("stopped"), "graceful shutdown ran: " + output);
        } finally {
            process.destroyForcibly();
        }
    }
}
