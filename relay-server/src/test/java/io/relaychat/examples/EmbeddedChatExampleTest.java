package io.relaychat.examples;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddedChatExampleTest {
    @Test
    void twoUsersChatThroughTheEmbeddedCoreWithoutAnyTransport() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        List<String> bobSaw = EmbeddedChatExample.run(new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertEquals(List.of("alice: Have some tea?", "bob: I don't see any tea."), bobSaw);
        String output = printed.toString(StandardCharsets.UTF_8);
        assertTrue(output.contains("alice sees #2 bob: I don't see any tea."), output);
    }
}
