package io.relaychat.adapter.webhook;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static io.relaychat.adapter.webhook.ReceiverVerification.isGenuine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The signature as a receiver checks it, with the code docs/webhooks.md gives receivers. */
class WebhookSignatureTest {
    private static final String SECRET = "a-webhook-secret-of-at-least-32-bytes";
    private static final byte[] BODY = "{\"event\":\"room_created\"}".getBytes(StandardCharsets.UTF_8);
    private static final long SENT_AT = 1_764_763_200L;

    @Test
    void theSignatureIsHmacSha256OfTheTimestampADotAndTheBodyInLowercaseHex() {
        // Computed apart from Java: python3 -c "import hmac,hashlib; print(hmac.new(b'<secret>',
        // b'1764763200.{\"event\":\"room_created\"}', hashlib.sha256).hexdigest())"
        assertEquals("sha256=43a0666f82d54fc689d7da40125f7a11872012799331ed271aec2c5c39ab0c80",
                new WebhookSignature(SECRET).sign(SENT_AT, BODY));
    }

    @Test
    void aReceiverTakesASignedRequestWithinTheToleranceOfItsClock() throws Exception {
        String signature = new WebhookSignature(SECRET).sign(SENT_AT, BODY);

        assertTrue(isGenuine(SECRET, Long.toString(SENT_AT), signature, BODY, SENT_AT));
        assertTrue(isGenuine(SECRET, Long.toString(SENT_AT), signature, BODY, SENT_AT + 299));
        assertTrue(isGenuine(SECRET, Long.toString(SENT_AT), signature, BODY, SENT_AT - 299), "a clock behind");
    }

    @Test
    void aReceiverRefusesAChangedBodyAnotherSecretAnotherTimestampAReplayLaterOrNoSignature() throws Exception {
        String signature = new WebhookSignature(SECRET).sign(SENT_AT, BODY);
        byte[] changed = "{\"event\":\"room_createD\"}".getBytes(StandardCharsets.UTF_8);

        assertFalse(isGenuine(SECRET, Long.toString(SENT_AT), signature, changed, SENT_AT));
        assertFalse(isGenuine(SECRET + "!", Long.toString(SENT_AT), signature, BODY, SENT_AT));
        assertFalse(isGenuine(SECRET, Long.toString(SENT_AT + 1), signature, BODY, SENT_AT), "time is signed");
        assertFalse(isGenuine(SECRET, Long.toString(SENT_AT), signature, BODY, SENT_AT + 301), "a replay");
        assertFalse(isGenuine(SECRET, Long.toString(SENT_AT), null, BODY, SENT_AT));
        assertFalse(isGenuine(SECRET, "yesterday", signature, BODY, SENT_AT));
    }
}
