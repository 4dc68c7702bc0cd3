package io.relaychat.adapter.webhook;

import io.relaychat.adapter.webhook.HttpAttempts.Verdict;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What an answer means: taken, worth another try, or the same every time. */
class HttpAttemptsTest {
    @Test
    void a2xxTakesTheEvent408And429And5xxAreTriedAgainAndOtherAnswersAreFinal() {
        for (int status : new int[] {200, 201, 202, 204, 299}) {
            assertEquals(Verdict.DELIVERED, HttpAttempts.judged(status).verdict(), "HTTP " + status);
        }
        for (int status : new int[] {408, 429, 500, 502, 503, 504}) {
            assertEquals(Verdict.RETRY, HttpAttempts.judged(status).verdict(), "HTTP " + status);
        }
        for (int status : new int[] {301, 302, 400, 401, 403, 404, 410, 413, 422}) {
            assertEquals(Verdict.REFUSED, HttpAttempts.judged(status).verdict(), "HTTP " + status);
        }
        assertEquals("HTTP 503", HttpAttempts.judged(503).detail());
    }
}
