package io.relaychat.adapter.webhook;

import io.relaychat.testkit.DocSnippet;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

/** docs/webhooks.md and docs/integration.md show receivers the verification code these tests compile and run, not a copy that drifted. */
class WebhooksDocTest {
    /** Surefire runs in the module's folder; the docs are in the repository's root, one up. */
    private static final Path DOC = Path.of("..", "docs", "webhooks.md");
    private static final Path INTEGRATION_DOC = Path.of("..", "docs", "integration.md");
    private static final Path EXAMPLE = Path.of("src", "test", "java", "io", "relaychat", "adapter", "webhook",
            "ReceiverVerification.java");

    @Test
    void theDocsVerificationSnippetIsReceiverVerificationAsCompiled() {
        DocSnippet.assertQuoted(DOC, "java", EXAMPLE);
        DocSnippet.assertQuoted(INTEGRATION_DOC, "java", EXAMPLE);
    }
}
