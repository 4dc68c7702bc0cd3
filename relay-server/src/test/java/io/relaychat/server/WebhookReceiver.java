package io.relaychat.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A webhook receiver on loopback for the end-to-end tests (the JDK's HTTP server): records each request and answers
 * 200, after {@code delayMillis}; or never, holding each request until it closes, as a receiver that hangs.
 */
final class WebhookReceiver implements AutoCloseable {
    /** One request: its headers of interest and its body. */
    record Request(String event, String eventId, String timestamp, String signature, byte[] body, JsonNode json) {
        String roomId() {
            return json.path("room_id").asText();
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final long delayMillis;
    private final boolean hangs;

    private WebhookReceiver(long delayMillis, boolean hangs) {
        this.delayMillis = delayMillis;
        this.hangs = hangs;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(threads);
        server.createContext("/hooks", this::handle);
        server.start();
    }

    static WebhookReceiver answering() {
        return new WebhookReceiver(0, false);
    }

    static WebhookReceiver answeringAfter(long delayMillis) {
        return new WebhookReceiver(delayMillis, false);
    }

    static WebhookReceiver hanging() {
        return new WebhookReceiver(0, true);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks";
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    List<Request> of(String roomId) {
        return requests.stream().filter(request -> request.roomId().equals(roomId)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            var headers = exchange.getRequestHeaders();
            requests.add(new Request(headers.getFirst("X-Relay-Event"), headers.getFirst("X-Relay-Event-Id"),
                    headers.getFirst("X-Relay-Timestamp"), headers.getFirst("X-Relay-Signature"), body,
                    Api.JSON.readTree(body)));
            if (hangs) {
                closing.await(60, TimeUnit.SECONDS);
                return;
            }
            if (delayMillis > 0) {
                Thread.sleep(delayMillis);
            }
            exchange.sendResponseHeaders(200, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
