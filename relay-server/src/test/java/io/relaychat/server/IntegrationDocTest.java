package io.relaychat.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaychat.server.Api.Account;
import io.relaychat.server.Api.Response;
import io.relaychat.testkit.DocSnippet;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/integration.md's "A backend publishing into a room" does what it says: its Java example is the program
 * {@link BackendPublishExample}, quoted exactly and run against a real server, and its curl command's body and its
 * sample answer are what the server takes and gives.
 */
@IntegrationTest
class IntegrationDocTest {
    /** Surefire and failsafe run in the module's folder; the docs are in the repository's root, one up. */
    private static final Path DOC = Path.of("..", "docs", "integration.md");
    private static final Path EXAMPLE = Path.of("src", "test", "java", "io", "relaychat", "server",
            "BackendPublishExample.java");

    private RunningServer server;
    private Api api;
    private WsClient member;
    private String room;

    @BeforeEach
    void aRoomWithAMemberListening() {
        server = RunningServer.start(Map.of("RELAY_API_KEY", ServerApiTest.KEY));
        api = new Api(server);
        Account ann = api.register("ann");
        room = api.createRoom(ann, "orders");
        member = WsClient.connect(server.ws(ann.token()));
        member.join(room);
    }

    @AfterEach
    void stop() {
        member.close();
        server.close();
    }

    @Test
    void theDocQuotesTheJavaExampleExactly() {
        assertTrue(DocSnippet.of(EXAMPLE).lines().count() >= 10, "the markers enclose the example");
        DocSnippet.assertQuoted(DOC, "java", EXAMPLE);
    }

    @Test
    void theJavaExamplePublishesOnceIntoTheRoomHoweverOftenItRuns() throws Exception {
        JsonNode first = Api.JSON.readTree(BackendPublishExample.publish(server.http(), ServerApiTest.KEY, room));
        JsonNode retried = Api.JSON.readTree(BackendPublishExample.publish(server.http(), ServerApiTest.KEY, room));

        assertEquals("system:orders", first.path("user_id").asText());
        assertEquals(1, first.path("seq").asLong());
        assertEquals(first, retried, "the same client_id: the same message");
        member.awaitMessages(1);
        member.send(Map.of("action", "ping"));
        member.awaitType("pong");
        assertEquals(List.of("Order #1042 shipped"), member.chatMessages().stream()
                .map(frame -> frame.path("content").asText()).toList());
    }

    @Test
    void theCurlCommandsBodyIsTakenAndAnsweredAsTheDocShows() throws IOException {
        List<String> doc = Files.readAllLines(DOC, StandardCharsets.UTF_8);
        String command = block(doc, "curl ");
        String body = heredoc(command).replace("$ROOM_ID", room);
        JsonNode sample = Api.JSON.readTree(block(doc, "{\"id\": "));

        assertTrue(command.contains("\"$RELAY_URL/api/server/publish\""), command);
        assertTrue(command.contains("-H \"Authorization: Bearer $RELAY_API_KEY\""), command);
        Response answer = api.postRaw("/api/server/publish", body, ServerApiTest.KEY);

        assertEquals(200, answer.status(), answer.body().toString());
        assertEquals("Order #1042 shipped", answer.body().path("content").asText());
        assertEquals(sample.path("user_id").asText(), answer.body().path("user_id").asText());
        assertEquals(fields(sample), fields(answer.body()), "the sample answer has the real one's fields, in order");
        member.awaitMessages(1);
    }

    /** The fenced block whose first line starts with {@code start}, without its fences. */
    private static String block(List<String> doc, String start) {
        for (int i = 0; i < doc.size(); i++) {
            if (doc.get(i).startsWith("```") && i + 1 < doc.size() && doc.get(i + 1).startsWith(start)) {
                StringBuilder block = new StringBuilder();
                for (int j = i + 1; !doc.get(j).startsWith("```"); j++) {
                    block.append(doc.get(j)).append('\n');
                }
                return block.toString();
            }
        }
        throw new AssertionError("no block starting '" + start + "' in " + DOC);
    }

    /** What the command's here-document sends. */
    private static String heredoc(String command) {
        List<String> lines = command.lines().toList();
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).endsWith("<<EOF")) {
                start = i + 1;
            }
        }
        assertTrue(start > 0, "the curl command sends its body as a here-document:\n" + command);
        int end = lines.indexOf("EOF");
        return String.join("\n", lines.subList(start, end));
    }

    private static List<String> fields(JsonNode object) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
