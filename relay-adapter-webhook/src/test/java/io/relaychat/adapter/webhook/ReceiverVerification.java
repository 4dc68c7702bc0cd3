package io.relaychat.adapter.webhook;

// docs:begin (docs/webhooks.md and docs/integration.md show the code from here to docs:end; WebhooksDocTest holds them equal)
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

final class ReceiverVerification {
    /** Five minutes either way: a replayed request is refused, a receiver's clock a little off is not. */
    static final long TOLERANCE_SECONDS = 300;

    /** Whether a request came from RelayChat, given its X-Relay-Timestamp and X-Relay-Signature and its raw body. */
    static boolean isGenuine(String secret, String timestamp, String signature, byte[] body, long nowSeconds)
            throws GeneralSecurityException {
        long sentAt;
        try {
            sentAt = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            return false;
        }
        if (signature == null || Math.abs(nowSeconds - sentAt) > TOLERANCE_SECONDS) {
            return false;
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
        String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        // Compared in constant time: how long a wrong guess takes must not tell how much of it was right.
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                signature.getBytes(StandardCharsets.UTF_8));
    }
}
// docs:end
