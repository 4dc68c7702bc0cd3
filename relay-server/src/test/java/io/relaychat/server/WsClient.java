package io.relaychat.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import io.relaychat.testkit.Await;

/** A real WebSocket client (java.net.http) that records every frame it receives, as JSON. */
final class WsClient implements AutoCloseable {
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final CompletableFuture<int[]> closed = new CompletableFuture<>();
    private final List<String> closeReasons = new CopyOnWriteArrayList<>();
    /** When the server's close frame arrived, System.nanoTime(); 0 until then. */
    private volatile long closedAtNanos;
    private final CompletableFuture<ByteBuffer> pong = new CompletableFuture<>();
    private final WebSocket socket;

    private WsClient(String uri, HttpClient client) throws ExecutionException, InterruptedException, TimeoutException {
        socket = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create(uri), new Listener()).get(10, TimeUnit.SECONDS);
    }

    static WsClient connect(String uri) {
        return connect(uri, HttpClient.newHttpClient());
    }

    /** {@code client}: one that trusts the server's certificate, for a wss:// uri. */
    static WsClient connect(String uri, HttpClient client) {
        try {
            return new WsClient(uri, client);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("WebSocket connect failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    received.add(Api.JSON.readTree(partial.toString()));
                } catch (IOException e) {
                    received.add(Api.JSON.getNodeFactory().textNode("unparseable: " + partial));
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            pong.complete(message);
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closedAtNanos = System.nanoTime();
            closeReasons.add(reason);
            closed.complete(new int[] {statusCode});
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(new int[] {-1});
        }
    }

    void send(Map<String, ?> frame) {
        sendText(Api.write(frame));
    }

    void sendText(String text) {
        Await.result(socket.sendText(text, true));
    }

    void join(String roomId) {
        send(Map.of("action", "join_room", "room_id", roomId));
        awaitFrame("presence_update for " + roomId,
                frame -> frame.path("type").asText().equals("presence_update") && frame.path("room_id").asText().equals(roomId));
    }

    void say(String roomId, String content) {
        send(Map.of("action", "send_message", "room_id", roomId, "content", content));
    }

    ByteBuffer ping(byte[] payload) {
        Await.result(socket.sendPing(ByteBuffer.wrap(payload)));
        return Await.result(pong);
    }

    List<JsonNode> frames() {
        return List.copyOf(received);
    }

    List<JsonNode> framesOfType(String type) {
        return received.stream().filter(frame -> frame.path("type").asText().equals(type)).toList();
    }

    List<JsonNode> chatMessages() {
        return framesOfType("chat_message");
    }

    List<Long> seqs() {
        return chatMessages().stream().map(frame -> frame.path("seq").asLong()).toList();
    }

    JsonNode awaitFrame(String what, Predicate<JsonNode> matches) {
        Await.until(what, () -> received.stream().anyMatch(matches));
        return received.stream().filter(matches).findFirst().orElseThrow();
    }

    JsonNode awaitType(String type) {
        return awaitFrame("a " + type + " frame", frame -> frame.path("type").asText().equals(type));
    }

    /** The error frame that arrives after the ones already seen. */
    JsonNode nextError(int errorsSeenBefore) {
        Await.until("error frame #" + (errorsSeenBefore + 1), () -> framesOfType("error").size() > errorsSeenBefore);
        return framesOfType("error").get(errorsSeenBefore);
    }

    void awaitMessages(int count) {
        try {
            Await.until(count + " chat messages", Duration.ofSeconds(20), () -> chatMessages().size() >= count);
        } catch (AssertionError timedOut) {
            throw new AssertionError(timedOut.getMessage() + "; have " + chatMessages().size() + ", errors "
                    + framesOfType("error"), timedOut);
        }
    }

    int awaitCloseCode() {
        return Await.result(closed)[0];
    }

    String closeReason() {
        return closeReasons.isEmpty() ? null : closeReasons.get(0);
    }

    long closedAtNanos() {
        return closedAtNanos;
    }

    boolean isClosed() {
        return closed.isDone();
    }

    void clear() {
        received.clear();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
    }

    void abort() {
        socket.abort();
    }
}
