package io.relaychat.adapter.webhook;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a dispatcher refuses to start with, and what it says about its receiver. */
class WebhookSettingsTest {
    static final String SECRET = "a-webhook-secret-of-at-least-32-bytes";

    @Test
    void onlyHttpAndHttpsUrlsWithAHostAreTaken() {
        assertEquals("https", WebhookSettings.of("https://hooks.example.com/relay", SECRET).url().getScheme());
        assertEquals("http", WebhookSettings.of("http://127.0.0.1:9000/in", SECRET).url().getScheme());
        for (String url : new String[] {"ftp://example.com/x", "hooks.example.com/relay", "https:///nohost", "http://a b"}) {
            assertThrows(IllegalArgumentException.class, () -> WebhookSettings.of(url, SECRET), url);
        }
    }

    @Test
    void aSecretShorterThan32BytesIsRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> WebhookSettings.of("https://example.com/", "short"));
        assertTrue(refused.getMessage().contains("32 bytes"), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WebhookSettings.of("https://example.com/", null));
    }

    @Test
    void boundsAreChecked() {
        WebhookSettings settings = WebhookSettings.of("https://example.com/", SECRET);

        assertThrows(IllegalArgumentException.class, () -> settings.withQueueCapacity(0));
        assertThrows(IllegalArgumentException.class, () -> settings.withMaxRetryTime(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> settings.withTimeouts(Duration.ZERO, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class,
                () -> settings.withRetryDelays(Duration.ofSeconds(2), Duration.ofSeconds(1)));
        assertEquals(Duration.ZERO, settings.withMaxRetryTime(Duration.ZERO).maxRetryTime(), "0: no retry");
    }

    @Test
    void theReceiverIsDescribedWithoutItsCredentialsOrQueryAndTheSecretIsNeverPrinted() {
        WebhookSettings settings = WebhookSettings.of("https://user:pass@hooks.example.com:8443/in?token=t0k3n", SECRET);

        assertEquals("https://hooks.example.com:8443/in", settings.describeUrl());
        assertFalse(settings.toString().contains(SECRET), settings.toString());
        assertFalse(settings.toString().contains("t0k3n"), settings.toString());
    }
}
