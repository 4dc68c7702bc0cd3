package io.relaychat.server;

import io.relaychat.testkit.DocSnippet;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** relay-client/README.md's example (docs/integration.md shows it too) is a program that compiles, runs against the server and prints what it says. */
@IntegrationTest
class RelayClientReadmeTest {
    private static final Path README = Path.of("..", "relay-client", "README.md");
    private static final Path INTEGRATION_DOC = Path.of("..", "docs", "integration.md");
    private static final Path EXAMPLE = Path.of("src", "test", "java", "io", "relaychat", "server",
            "RelayClientReadmeExample.java");

    @Test
    void theReadmeShowsTheExampleExactly() {
        assertTrue(DocSnippet.of(EXAMPLE).lines().count() >= 10, "the markers enclose the example");
        DocSnippet.assertQuoted(README, "java", EXAMPLE);
        DocSnippet.assertQuoted(INTEGRATION_DOC, "java", EXAMPLE);
    }

    @Test
    void theExampleRunsAgainstTheServerAndPrintsTheConversation() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (RunningServer server = RunningServer.start()) {
            RelayClientReadmeExample.run(URI.create(server.http()), new PrintStream(printed, true, StandardCharsets.UTF_8));
        }
        assertEquals("ann: Have some tea?\nstored as #1 in tea\n", printed.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"));
    }
}
