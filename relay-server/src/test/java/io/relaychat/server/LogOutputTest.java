package io.relaychat.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaychat.testkit.Await;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the server's own process writes to its log, as an operator reads it: the format and level the environment
 * chose, a start-up line, an access line for each REST request and each WebSocket, and never a credential.
 */
@IntegrationTest
class LogOutputTest {
    private static final Duration LOG_WAIT = Duration.ofSeconds(15);

    @TempDir
    Path folder;

    @Test
    void givenJsonFormat_everyLineIsAnObjectAndRequestsAndWebSocketsHaveAccessLinesWithoutAnyToken() throws Exception {
        ServerProcess server = ServerProcess.start(Map.of("RELAY_LOG_FORMAT", "json", "HOST", "127.0.0.1",
                "JWT_SECRET_KEY", RunningServer.SECRET, "RELAY_BCRYPT_COST", "4"));
        Api.Account ann;
        try {
            Api api = new Api(server.http());
            ann = api.register("ann");
            assertEquals(200, api.get("/api/auth/me", ann.token()).status());
            // A token in the query as well as in the header: neither may reach the log.
            assertEquals(200, api.get("/api/rooms?token=" + ann.token() + "&limit=5", ann.token()).status());
            String room = api.createRoom(ann, "logged");
            try (WsClient ws = WsClient.connect(server.ws(ann.token()))) {
                ws.join(room);
                ws.say(room, "hello, log");
                ws.awaitMessages(1);
            }
            try (WsClient refused = WsClient.connect(server.ws("not-a-valid-token"))) {
                assertEquals(1008, refused.awaitCloseCode());
            }
            Await.until("both WebSockets are in the access log", LOG_WAIT,
                    () -> accessLines(parsedLines(logOf(server)), "websocket").size() == 2);
        } finally {
            assertTrue(server.stop(), "stops by itself after SIGTERM");
        }
        String output = server.log();
        List<JsonNode> lines = parsedLines(output);

        Map<String, String> startUp = fields(lines.stream()
                .filter(line -> line.path("message").asText().equals("RelayChat starting")).findFirst()
                .orElseThrow(() -> new AssertionError("no start-up line: " + output)));
        assertTrue(startUp.get("version").matches("\\d+\\.\\d+.*"), startUp.toString());
        assertTrue(startUp.get("configuration").contains("JWT_SECRET_KEY=<masked>"), startUp.toString());
        assertTrue(startUp.get("adapters").contains("storage: SQLite at "), startUp.toString());

        List<Map<String, String>> http = accessLines(lines, "http");
        Map<String, String> me = only(http, "GET", "/api/auth/me");
        assertEquals("200", me.get("status"));
        assertEquals(ann.id(), me.get("user_id"));
        assertEquals("0", me.get("bytes_in"));
        assertTrue(Long.parseLong(me.get("bytes_out")) > 0, me.toString());
        assertTrue(Long.parseLong(me.get("duration_ms")) >= 0, me.toString());
        assertEquals("127.0.0.1", me.get("client"));
        Map<String, String> register = only(http, "POST", "/api/auth/register");
        assertEquals(ann.id(), register.get("user_id"), "a sign-in names the user it signed in");
        assertTrue(Long.parseLong(register.get("bytes_in")) > 0, register.toString());
        assertEquals("200", only(http, "GET", "/api/rooms").get("status"), "logged by its path, without the query");

        List<Map<String, String>> webSockets = accessLines(lines, "websocket");
        Map<String, String> session = webSockets.stream().filter(line -> ann.id().equals(line.get("user_id")))
                .findFirst().orElseThrow(() -> new AssertionError("no line for ann's WebSocket: " + webSockets));
        assertEquals("1000", session.get("close_code"));
        assertEquals("client", session.get("closed_by"));
        assertEquals("bye", session.get("close_reason"));
        assertTrue(Long.parseLong(session.get("frames_in")) >= 2, "join and send: " + session);
        assertTrue(Long.parseLong(session.get("frames_out")) >= 1, "at least the message's echo: " + session);
        assertTrue(Long.parseLong(session.get("bytes_out")) > 0, session.toString());
        Map<String, String> refused = webSockets.stream().filter(line -> !line.containsKey("user_id")).findFirst()
                .orElseThrow(() -> new AssertionError("no line for the refused WebSocket: " + webSockets));
        assertEquals("1008", refused.get("close_code"));

        for (String secret : List.of(ann.token(), "not-a-valid-token", "password-of-ann", RunningServer.SECRET)) {
            assertFalse(output.contains(secret), "a credential in the log: " + secret + "\n" + output);
        }
    }

    @Test
    void givenPlainFormat_theStartUpLineAndAnAccessLineAreReadableLines() throws Exception {
        ServerProcess server = ServerProcess.start(Map.of("HOST", "127.0.0.1"));
        try {
            Api api = new Api(server.http());
            assertEquals(200, api.send(HttpRequest.newBuilder(URI.create(server.http() + "/api/health?token=secret-in-query"))
                    .header("Authorization", "Bearer secret-in-header")).status());
            Await.until("the request is in the access log", LOG_WAIT,
                    () -> logOf(server).contains(" INFO access - http method=\"GET\" path=\"/api/health\" status=\"200\""));
        } finally {
            assertTrue(server.stop(), "stops by itself after SIGTERM");
        }
        String output = server.log();
        assertTrue(output.contains(" INFO RelayServerMain - RelayChat starting version=\""), output);
        assertTrue(output.contains("JWT_SECRET_KEY=unset"), output);
        assertFalse(output.contains("secret-in-query"), output);
        assertFalse(output.contains("secret-in-header"), output);
    }

    @Test
    void givenLevelWarn_noInfoLineIsWrittenButWarningsStillAre() throws Exception {
        ServerProcess server = ServerProcess.start(Map.of("RELAY_LOG_LEVEL", "warn", "HOST", "127.0.0.1"));
        try {
            new Api(server.http()).register("bo");
        } finally {
            assertTrue(server.stop(), "stops by itself after SIGTERM");
        }
        String output = server.log();
        assertTrue(output.contains(" WARN RelayServer - auth: JWT_SECRET_KEY is not set"), output);
        assertFalse(output.contains(" INFO "), "no info line: " + output);
    }

    @Test
    void aBadLogFormatOrLevelStopsStartUpWithExitCodeTwoAndSaysWhy() throws Exception {
        assertEquals("relay-server: configuration error: RELAY_LOG_FORMAT must be plain or json, got 'yaml'",
                failedStart(Map.of("RELAY_LOG_FORMAT", "yaml")));
        assertTrue(failedStart(Map.of("RELAY_LOG_LEVEL", "info,relay.access=loud"))
                        .startsWith("relay-server: configuration error: RELAY_LOG_LEVEL must be a level"),
                "a level nobody knows, for one logger");
    }

    /** The whole output of a start-up that must fail with exit code 2. */
    private String failedStart(Map<String, String> env) throws Exception {
        Path log = Files.createTempFile(folder, "server", ".log");
        Map<String, String> all = new HashMap<>(env);
        all.put("PORT", "0");
        all.put("RELAY_DATA_DIR", folder.toString());
        Process process = ServerProcess.launch(all, log);
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                fail("started although the setting is bad: " + Files.readString(log, StandardCharsets.UTF_8));
            }
            assertEquals(2, process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
            return Files.readString(log, StandardCharsets.UTF_8).strip();
        } finally {
            process.destroyForcibly();
        }
    }

    /** The output so far, up to its last whole line. */
    private static String logOf(ServerProcess server) {
        try {
            String output = server.log();
            return output.substring(0, output.lastIndexOf('\n') + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every line, each of which must be a JSON object with a level, a logger and a message. */
    private static List<JsonNode> parsedLines(String output) {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode parsed;
            try {
                parsed = Api.JSON.readTree(line);
            } catch (IOException e) {
                throw new AssertionError("not a JSON line: " + line, e);
            }
            if (!parsed.isObject() || !parsed.path("level").isTextual() || !parsed.path("loggerName").isTextual()
                    || !parsed.path("message").isTextual()) {
                throw new AssertionError("not a log event with level, logger and message: " + line);
            }
            lines.add(parsed);
        }
        return lines;
    }

    /** The fields of the access lines with {@code message} ("http" or "websocket"). */
    private static List<Map<String, String>> accessLines(List<JsonNode> lines, String message) {
        return lines.stream()
                .filter(line -> line.path("loggerName").asText().equals("relay.access")
                        && line.path("message").asText().equals(message))
                .map(LogOutputTest::fields)
                .toList();
    }

    /** Logback writes the key-value pairs as a list of one-field objects. */
    private static Map<String, String> fields(JsonNode line) {
        Map<String, String> fields = new HashMap<>();
        for (JsonNode pair : line.path("kvpList")) {
            pair.fields().forEachRemaining(field -> fields.put(field.getKey(), field.getValue().asText()));
        }
        return fields;
    }

    private static Map<String, String> only(List<Map<String, String>> lines, String method, String path) {
        List<Map<String, String>> matching = lines.stream()
                .filter(line -> method.equals(line.get("method")) && path.equals(line.get("path"))).toList();
        assertEquals(1, matching.size(), method + " " + path + " in " + lines);
        return matching.get(0);
    }
}
