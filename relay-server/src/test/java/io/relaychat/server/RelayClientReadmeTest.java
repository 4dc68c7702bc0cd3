package io.relaychat.server;

import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** relay-client/README.md's example is a program that compiles, runs against the server and prints what it says. */
@IntegrationTest
class RelayClientReadmeTest {
    private static final Path README = Path.of("..", "relay-client", "README.md");
    private static final Path EXAMPLE = Path.of("src", "test", "java", "io", "relaychat", "server",
            "RelayClientReadmeExample.java");

    @Test
    void theReadmeShowsTheExampleExactly() throws IOException {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        String snippet = snippet(Files.readAllLines(EXAMPLE, StandardCharsets.UTF_8));
        assertTrue(snippet.lines().count() >= 10, "the markers enclose the example:\n" + snippet);
        assertTrue(readme.contains("```java\n" + snippet + "```\n"), "README.md does not quote the example as it is:\n" + snippet);
    }

    @Test
    void theExampleRunsAgainstTheServerAndPrintsTheConversation() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (RunningServer server = RunningServer.start()) {
            RelayClientReadmeExample.run(URI.create(server.http()), new PrintStream(printed, true, StandardCharsets.UTF_8));
        }
        assertEquals("ann: Have some tea?\nstored as #1 in tea\n", printed.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"));
    }

    /** The lines between the markers, without the indentation they have in the method. */
    private static String snippet(List<String> source) {
        int start = indexOf(source, "// readme:start");
        int end = indexOf(source, "// readme:end");
        List<String> lines = source.subList(start + 1, end);
        int indent = lines.stream().filter(line -> !line.isBlank())
                .mapToInt(line -> line.length() - line.stripLeading().length()).min().orElse(0);
        return lines.stream().map(line -> line.isBlank() ? "" : line.substring(indent))
                .collect(Collectors.joining("\n", "", "\n"));
    }

    private static int indexOf(List<String> source, String marker) {
        for (int i = 0; i < source.size(); i++) {
            if (source.get(i).strip().equals(marker)) {
                return i;
            }
        }
        throw new AssertionError("no " + marker + " in " + EXAMPLE);
    }
}
