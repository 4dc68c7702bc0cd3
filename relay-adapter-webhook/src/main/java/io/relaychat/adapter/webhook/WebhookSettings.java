package io.relaychat.adapter.webhook;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Where webhook events go and how hard the node tries: the receiver's URL and the shared secret the bodies are
 * signed with, the queue's bound, how long one event is retried, the HTTP timeouts, the back-off between tries and
 * how many requests are out at once. Checked when built, so that a dispatcher is never started on a URL it cannot
 * POST to or a secret an attacker could guess.
 */
public record WebhookSettings(URI url, String secret, int queueCapacity, Duration maxRetryTime,
                             Duration connectTimeout, Duration requestTimeout, Duration firstRetryDelay,
                             Duration maxRetryDelay, int maxInFlight) {
    /** As for the JWT secret: 32 bytes is what HMAC-SHA256's key is worth. */
    public static final int MIN_SECRET_BYTES = 32;
    public static final int DEFAULT_QUEUE_CAPACITY = 10_000;
    public static final Duration DEFAULT_MAX_RETRY_TIME = Duration.ofMinutes(5);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_FIRST_RETRY_DELAY = Duration.ofSeconds(1);
    public static final Duration DEFAULT_MAX_RETRY_DELAY = Duration.ofMinutes(1);
    /** Rooms whose next event is out at once: one slow room never holds the others back, nor do a few. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 8;

    public WebhookSettings {
        Objects.requireNonNull(url, "url");
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
            throw new IllegalArgumentException("must be an http:// or https:// URL with a host, got '" + url + "'");
        }
        if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the signing secret must be at least " + MIN_SECRET_BYTES
                    + " bytes long; generate one with: openssl rand -base64 48");
        }
        if (queueCapacity < 1 || maxInFlight < 1) {
            throw new IllegalArgumentException("queue capacity and requests in flight start at 1");
        }
        for (Duration duration : new Duration[] {maxRetryTime, connectTimeout, requestTimeout, firstRetryDelay,
                maxRetryDelay}) {
            if (duration == null || duration.isNegative()) {
                throw new IllegalArgumentException("durations are zero or more");
            }
        }
        if (connectTimeout.isZero() || requestTimeout.isZero() || firstRetryDelay.isZero()) {
            throw new IllegalArgumentException("timeouts and the first retry delay are more than zero");
        }
        if (maxRetryDelay.compareTo(firstRetryDelay) < 0) {
            throw new IllegalArgumentException("the longest retry delay is at least the first");
        }
    }

    /** This receiver and secret with every other setting at its default. */
    public static WebhookSettings of(String url, String secret) {
        URI uri;
        try {
            uri = new URI(Objects.requireNonNull(url, "url").strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("is not a URL: " + e.getMessage());
        }
        return new WebhookSettings(uri, secret, DEFAULT_QUEUE_CAPACITY, DEFAULT_MAX_RETRY_TIME, DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_REQUEST_TIMEOUT, DEFAULT_FIRST_RETRY_DELAY, DEFAULT_MAX_RETRY_DELAY, DEFAULT_MAX_IN_FLIGHT);
    }

    public WebhookSettings withQueueCapacity(int value) {
        return new WebhookSettings(url, secret, value, maxRetryTime, connectTimeout, requestTimeout, firstRetryDelay,
                maxRetryDelay, maxInFlight);
    }

    /** 0: one attempt, no retry. */
    public WebhookSettings withMaxRetryTime(Duration value) {
        return new WebhookSettings(url, secret, queueCapacity, value, connectTimeout, requestTimeout, firstRetryDelay,
                maxRetryDelay, maxInFlight);
    }

    public WebhookSettings withTimeouts(Duration connect, Duration request) {
        return new WebhookSettings(url, secret, queueCapacity, maxRetryTime, connect, request, firstRetryDelay,
                maxRetryDelay, maxInFlight);
    }

    public WebhookSettings withRetryDelays(Duration first, Duration max) {
        return new WebhookSettings(url, secret, queueCapacity, maxRetryTime, connectTimeout, requestTimeout, first,
                max, maxInFlight);
    }

    public WebhookSettings withMaxInFlight(int value) {
        return new WebhookSettings(url, secret, queueCapacity, maxRetryTime, connectTimeout, requestTimeout,
                firstRetryDelay, maxRetryDelay, value);
    }

    /** The receiver without user info, query or fragment, where a token might hide: for logs and the start-up line. */
    public String describeUrl() {
        int port = url.getPort();
        return url.getScheme() + "://" + url.getHost() + (port == -1 ? "" : ":" + port)
                + (url.getRawPath() == null ? "" : url.getRawPath());
    }

    /** Never the secret: a record's own text would print it. */
    @Override
    public String toString() {
        return "WebhookSettings[url=" + describeUrl() + ", queueCapacity=" + queueCapacity + ", maxRetryTime="
                + maxRetryTime + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout
                + ", retryDelays=" + firstRetryDelay + ".." + maxRetryDelay + ", maxInFlight=" + maxInFlight + "]";
    }
}
