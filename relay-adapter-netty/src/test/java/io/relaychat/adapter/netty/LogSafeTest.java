package io.relaychat.adapter.netty;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** No credential a client sent survives into what the transport logs of an error. */
class LogSafeTest {

    @Test
    void tokensBearerHeadersPasswordsAndCookiesAreRedacted() {
        assertEquals("unterminated escape at 3 of: /api/ws?token=<redacted>&x=1",
                LogSafe.text("unterminated escape at 3 of: /api/ws?token=eyJhbGciOi.x.y&x=1"));
        assertEquals("Authorization: <redacted>", LogSafe.text("Authorization: Bearer eyJhbGciOi.x.y"));
        assertEquals("got bearer <redacted> here", LogSafe.text("got bearer eyJhbGciOi.x.y here"));
        assertEquals("{\"email\":\"a@b.c\",\"password\":\"<redacted>\"}",
                LogSafe.text("{\"email\":\"a@b.c\",\"password\":\"hunter22\"}"));
        assertEquals("Cookie: <redacted>", LogSafe.text("Cookie: session=abc; other=def"));
        assertEquals("nothing secret here", LogSafe.text("nothing secret here"));
    }

    @Test
    void anErrorToLogKeepsItsClassesAndStackTracesButNotTheSecretsInItsMessages() {
        IllegalStateException cause = new IllegalStateException("header Authorization: Bearer s3cr3t-token");
        RuntimeException error = new RuntimeException("bad query ?token=s3cr3t-token", cause);

        Throwable safe = LogSafe.error(error);
        StringWriter printed = new StringWriter();
        safe.printStackTrace(new PrintWriter(printed));

        assertFalse(printed.toString().contains("s3cr3t"), printed.toString());
        assertTrue(printed.toString().startsWith("java.lang.RuntimeException: bad query ?token=<redacted>"), printed.toString());
        assertTrue(printed.toString().contains("Caused by: java.lang.IllegalStateException: header Authorization: <redacted>"),
                printed.toString());
        assertArrayEquals(error.getStackTrace(), safe.getStackTrace());
    }
}
