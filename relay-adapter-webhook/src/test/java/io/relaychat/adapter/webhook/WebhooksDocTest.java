package io.relaychat.adapter.webhook;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/webhooks.md shows receivers the verification code these tests compile and run, not a copy that drifted. */
class WebhooksDocTest {
    /** Surefire runs in the module's folder; the docs are in the repository's root, one up. */
    private static final Path DOC = Path.of("..", "docs", "webhooks.md");
    private static final Path EXAMPLE = Path.of("src", "test", "java", "io", "relaychat", "adapter", "webhook",
            "ReceiverVerification.java");

    @Test
    void theDocsVerificationSnippetIsReceiverVerificationAsCompiled() throws IOException {
        String source = Files.readString(EXAMPLE, StandardCharsets.UTF_8);
        String begin = source.substring(source.indexOf('\n', source.indexOf("// docs:begin")) + 1);
        String snippet = begin.substring(0, begin.indexOf("// docs:end"));
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);

        assertTrue(doc.contains("```java\n" + snippet + "```\n"), "docs/webhooks.md must show, in a java block, "
                + "exactly the code between docs:begin and docs:end in " + EXAMPLE + ":\n" + snippet);
    }
}
