package io.relaychat.adapter.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * The signature a receiver checks: HMAC-SHA256, keyed with the shared secret, over the attempt's Unix time in seconds,
 * a dot and the body's bytes, sent as {@code X-Relay-Signature: sha256=<hex>} beside {@code X-Relay-Timestamp}. The
 * time is in the signed text so that a body caught on the way cannot be replayed later: the receiver refuses a
 * timestamp too far from its clock (docs/webhooks.md). Each attempt is signed anew with its own time.
 */
public final class WebhookSignature {
    public static final String TIMESTAMP_HEADER = "X-Relay-Timestamp";
    public static final String SIGNATURE_HEADER = "X-Relay-Signature";
    public static final String EVENT_HEADER = "X-Relay-Event";
    public static final String EVENT_ID_HEADER = "X-Relay-Event-Id";
    static final String ALGORITHM = "HmacSHA256";
    static final String PREFIX = "sha256=";

    private final SecretKeySpec key;

    public WebhookSignature(String secret) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    }

    /** {@code sha256=<lowercase hex>} of {@code timestamp + "." + body}. */
    public String sign(long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            mac.update(Long.toString(timestampSeconds).getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) '.');
            return PREFIX + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has " + ALGORITHM, e);
        }
    }
}
