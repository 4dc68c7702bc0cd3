package io.relaychat.adapter.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.function.Function;

/**
 * A webhook receiver on loopback, for tests: the JDK's HTTP server, recording every request it gets and answering
 * as the test says: a status, or never (the request is held until the receiver closes, as a receiver that hangs).
 */
final class Receiver implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The answer that never comes. */
    static final int HANG = -1;

    /** One request as it arrived, and the status it was answered (HANG: none). */
    record Request(String event, String eventId, String timestamp, String signature, byte[] body, JsonNode json,
                   int answered) {
        String roomId() {
            return json.path("room_id").asText();
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile Function<JsonNode, Integer> answer;

    private Receiver(Function<JsonNode, Integer> answer) throws IOException {
        this.answer = answer;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(threads);
        server.createContext("/hooks", this::handle);
        server.start();
    }

    /** Answers each request {@code answer.apply(its body)}. */
    static Receiver answering(Function<JsonNode, Integer> answer) {
        try {
            return new Receiver(answer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Receiver ok() {
        return answering(body -> 200);
    }

    void answerFromNowOn(Function<JsonNode, Integer> value) {
        this.answer = value;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks";
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The requests answered 2xx: what the receiver took, in the order it took them. */
    List<Request> taken() {
        return requests.stream().filter(request -> request.answered() >= 200 && request.answered() < 300).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            JsonNode json = JSON.readTree(body);
            int status = answer.apply(json);
            var headers = exchange.getRequestHeaders();
            requests.add(new Request(headers.getFirst("X-Relay-Event"), headers.getFirst("X-Relay-Event-Id"),
                    headers.getFirst("X-Relay-Timestamp"), headers.getFirst("X-Relay-Signature"), body, json, status));
            if (status == HANG) {
                closing.await(60, TimeUnit.SECONDS);
                return;
            }
            exchange.sendResponseHeaders(status, -1);
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
