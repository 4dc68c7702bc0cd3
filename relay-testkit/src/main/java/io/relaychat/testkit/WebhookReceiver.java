package io.relaychat.testkit;

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
 * A webhook receiver on loopback, for tests: the JDK's HTTP server, recording every request it gets and answering as
 * the test says: a status, after a delay if asked, or never (the request is held until the receiver closes, as a
 * receiver that hangs).
 */
public final class WebhookReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The answer that never comes. */
    public static final int HANG = -1;

    /** One request as it arrived: its headers of interest, its body, and the status it was answered (HANG: none). */
    public record Request(String event, String eventId, String timestamp, String signature, byte[] body, JsonNode json,
                          int answered) {
        public String roomId() {
            return json.path("room_id").asText();
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final long delayMillis;
    private volatile Function<JsonNode, Integer> answer;

    private WebhookReceiver(Function<JsonNode, Integer> answer, long delayMillis) {
        this.answer = answer;
        this.delayMillis = delayMillis;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(threads);
        server.createContext("/hooks", this::handle);
        server.start();
    }

    /** Answers each request {@code answer.apply(its body)}. */
    public static WebhookReceiver answering(Function<JsonNode, Integer> answer) {
        return new WebhookReceiver(answer, 0);
    }

    public static WebhookReceiver ok() {
        return answering(body -> 200);
    }

    /** Answers 200 to each request once {@code delayMillis} have passed: a slow receiver. */
    public static WebhookReceiver okAfter(long delayMillis) {
        return new WebhookReceiver(body -> 200, delayMillis);
    }

    public static WebhookReceiver hanging() {
        return answering(body -> HANG);
    }

    public void answerFromNowOn(Function<JsonNode, Integer> value) {
        this.answer = value;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks";
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The requests answered 2xx: what the receiver took, in the order it took them. */
    public List<Request> taken() {
        return requests.stream().filter(request -> request.answered() >= 200 && request.answered() < 300).toList();
    }

    /** The requests about one room, in the order they came. */
    public List<Request> of(String roomId) {
        return requests.stream().filter(request -> request.roomId().equals(roomId)).toList();
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
            if (delayMillis > 0) {
                Thread.sleep(delayMillis);
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
