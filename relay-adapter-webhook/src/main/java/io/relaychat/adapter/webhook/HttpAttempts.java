package io.relaychat.adapter.webhook;

import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One try at handing an event to the receiver: a signed POST through the JDK's asynchronous client, bounded on
 * connecting and on the whole exchange, and what its answer means. A 2xx takes the event; a 408, a 429, a 5xx, a
 * timeout or a broken connection may go better later; any other answer (a 4xx, a redirect, which is not followed)
 * would be the same every time.
 */
final class HttpAttempts {
    enum Verdict { DELIVERED, RETRY, REFUSED }

    /** What came of a try; {@code detail} says it for a log line: a status or what failed. */
    record Result(Verdict verdict, String detail) {
    }

    private static final String USER_AGENT = "RelayChat-Webhook/1";

    private final WebhookSettings settings;
    private final WebhookSignature signature;
    private final HttpClient client;
    private final Clock clock;

    HttpAttempts(WebhookSettings settings, Executor executor, Clock clock) {
        this.settings = settings;
        this.signature = new WebhookSignature(settings.secret());
        this.clock = clock;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor);
        if (settings.url().getScheme().equalsIgnoreCase("http")) {
            // No h2c upgrade offered on a plain connection: some receivers and proxies answer it badly. Over TLS,
            // HTTP/2 is agreed in the handshake or not at all.
            builder.version(HttpClient.Version.HTTP_1_1);
        }
        this.client = builder.build();
    }

    /** Never fails: every failure is a {@link Result}. */
    CompletableFuture<Result> send(String event, String id, byte[] body) {
        long now = clock.millis() / 1000;
        HttpRequest request = HttpRequest.newBuilder(settings.url())
                .timeout(settings.requestTimeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", USER_AGENT)
                .header(WebhookSignature.EVENT_HEADER, event)
                .header(WebhookSignature.EVENT_ID_HEADER, id)
                .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(now))
                .header(WebhookSignature.SIGNATURE_HEADER, signature.sign(now, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        CompletableFuture<HttpResponse<Void>> exchange;
        try {
            exchange = client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(new Result(Verdict.RETRY, e.toString()));
        }
        // The request's own timeout ends with the response's head; a body that trickles is bounded here, and the
        // exchange is cancelled so that its connection is not kept.
        Duration whole = settings.connectTimeout().plus(settings.requestTimeout());
        return exchange.orTimeout(whole.toMillis(), TimeUnit.MILLISECONDS).handle((response, error) -> {
            if (error != null) {
                exchange.cancel(true);
                return new Result(Verdict.RETRY, describe(error));
            }
            return judged(response.statusCode());
        });
    }

    static Result judged(int status) {
        String detail = "HTTP " + status;
        if (status >= 200 && status < 300) {
            return new Result(Verdict.DELIVERED, detail);
        }
        if (status == 408 || status == 429 || status >= 500) {
            return new Result(Verdict.RETRY, detail);
        }
        return new Result(Verdict.REFUSED, detail);
    }

    private static String describe(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
            return "timed out";
        }
        if (cause instanceof ConnectException) {
            return "cannot connect";
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
}
