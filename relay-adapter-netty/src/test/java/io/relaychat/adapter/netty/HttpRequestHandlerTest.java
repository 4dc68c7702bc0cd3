package io.relaychat.adapter.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.MessageId;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.StorageUnavailableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP side on an embedded channel, from raw request bytes to the response a client reads, with a fake core. */
class HttpRequestHandlerTest {
    private static final int MAX_JSON_BYTES = 1024;
    private static final int MAX_REQUEST_BYTES = 4096;
    private static final String AUTHORIZED = "Authorization: Bearer " + FakeCore.TOKEN + "\r\n";

    private final FakeCore core = new FakeCore();
    private final TrackingAllocator allocator = new TrackingAllocator();
    private final EmbeddedChannel channel = server();
    private final EmbeddedChannel client = new EmbeddedChannel(new HttpResponseDecoder(), new HttpObjectAggregator(1 << 20));

    private EmbeddedChannel server() {
        TransportSettings settings = new TransportSettings("127.0.0.1", 0, List.of("*"), MAX_JSON_BYTES, 1024,
                Duration.ofSeconds(10), 1);
        WebSocketUpgrade webSocket = new WebSocketUpgrade(core, settings,
                new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE));
        EmbeddedChannel embedded = new EmbeddedChannel(new HttpServerCodec(), new BoundedAggregator(MAX_REQUEST_BYTES),
                new HttpRequestHandler(new RestApi(core), webSocket, settings.maxJsonBytes()));
        embedded.config().setAllocator(allocator);
        return embedded;
    }

    /** Every test ends here: each response was read whole, nothing is left in either channel, nothing unreleased. */
    @AfterEach
    void nothingLeaked() {
        assertNull(channel.readOutbound(), "bytes the client never read");
        assertFalse(channel.finishAndReleaseAll(), "messages left in the server channel");
        assertFalse(client.finishAndReleaseAll(), "a response left half read");
        assertEquals(List.of(), allocator.unreleased(), "buffers never released");
    }

    /** A response as the client sees it. */
    private record Answer(int status, String body, String connection, String wwwAuthenticate) {
    }

    private Answer exchange(String request) {
        channel.writeInbound(allocator.bytes(request));
        return answer();
    }

    private Answer answer() {
        channel.runPendingTasks();
        for (ByteBuf bytes = channel.readOutbound(); bytes != null; bytes = channel.readOutbound()) {
            client.writeInbound(bytes);
        }
        FullHttpResponse response = client.readInbound();
        try {
            return new Answer(response.status().code(), response.content().toString(StandardCharsets.UTF_8),
                    response.headers().get("Connection"), response.headers().get("WWW-Authenticate"));
        } finally {
            assertTrue(response.release());
        }
    }

    private static String get(String path, String headers) {
        return "GET " + path + " HTTP/1.1\r\nHost: test\r\n" + headers + "\r\n";
    }

    private static String post(String path, String headers, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return "POST " + path + " HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: "
                + bytes.length + "\r\n" + headers + "\r\n" + body;
    }

    @Test
    void anUnknownPathIs404NotFound() {
        assertEquals(new Answer(404, "{\"detail\":\"Not Found\",\"code\":\"not_found\"}", "keep-alive", null),
                exchange(get("/api/nope", "")));
    }

    @Test
    void aKnownPathAskedWithAnotherMethodIs405() {
        assertEquals(new Answer(405, "{\"detail\":\"Method Not Allowed\",\"code\":\"method_not_allowed\"}", "keep-alive", null),
                exchange("DELETE /api/health HTTP/1.1\r\nHost: test\r\n\r\n"));
    }

    @Test
    void withoutAValidTokenTheAnswerIs401WithABearerChallenge() {
        Answer expected = new Answer(401, "{\"detail\":\"Could not validate credentials\",\"code\":\"unauthenticated\"}",
                "keep-alive", "Bearer");

        assertEquals(expected, exchange(get("/api/auth/me", "")));
        assertEquals(expected, exchange(get("/api/auth/me", "Authorization: Bearer forged\r\n")));
    }

    @Test
    void aWrongPasswordIs401InvalidCredentialsWithoutAChallenge() {
        assertEquals(new Answer(401, "{\"detail\":\"Incorrect email or password\",\"code\":\"invalid_credentials\"}",
                "keep-alive", null), exchange(post("/api/auth/login", "", "{\"email\":\"ann@example.com\",\"password\":\"nope\"}")));
    }

    @Test
    void aJsonBodyOverTheLimitIs413() {
        String body = "{\"email\":\"" + "x".repeat(MAX_JSON_BYTES) + "\"}";

        assertEquals(new Answer(413, "{\"detail\":\"Request body too large: the limit is 1024 bytes\",\"code\":\"payload_too_large\"}",
                "keep-alive", null), exchange(post("/api/auth/login", "", body)));
    }

    @Test
    void aBodyOverWhatAnyRouteAcceptsIs413AndTheConnectionClosesASecondLater() {
        String body = "x".repeat(MAX_REQUEST_BYTES + 1);

        assertEquals(new Answer(413, "{\"detail\":\"Request body too large: the limit is 4096 bytes\",\"code\":\"payload_too_large\"}",
                "close", null), exchange(post("/api/upload", AUTHORIZED, body)));
        assertTrue(channel.isOpen(), "still reading the rest of the body");
        channel.advanceTimeBy(1, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(channel.isOpen());
    }

    @Test
    void aMalformedJsonBodyIs422InvalidJson() {
        assertEquals(new Answer(422, "{\"detail\":\"request body is not valid JSON\",\"code\":\"invalid_json\"}", "keep-alive", null),
                exchange(post("/api/auth/login", "", "{nope")));
    }

    @Test
    void aMissingFieldIs422InvalidFieldNamingIt() {
        assertEquals(new Answer(422, "{\"detail\":\"field 'password' is required\",\"code\":\"invalid_field\"}", "keep-alive", null),
                exchange(post("/api/auth/login", "", "{\"email\":\"ann@example.com\"}")));
    }

    @Test
    void aBrokenRequestLineIs400MalformedRequest() {
        Answer answer = exchange("GET /api/health HTTP/1.1 extra\r\nHost: test\r\n\r\n");

        assertEquals(400, answer.status());
        assertEquals("{\"detail\":\"Malformed HTTP request\",\"code\":\"malformed_request\"}", answer.body());
    }

    @Test
    void aRejectedOutcomeIsAnsweredWithTheStatusAndCodeOfItsReason() {
        core.history = query -> CompletableFuture.completedFuture(Outcome.rejected(Refusal.notMember()));

        assertEquals(new Answer(403, "{\"detail\":\"Access denied\",\"code\":\"not_member\"}", "keep-alive", null),
                exchange(get("/api/rooms/r1/messages", AUTHORIZED)));
    }

    @Test
    void aFileOverTheCoresLimitIs413FromTheUseCase() {
        core.uploads = new FakeCore.RefusingUploads(10);
        String body = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\n" + "x".repeat(11) + "\r\n--b--\r\n";
        String request = "POST /api/upload HTTP/1.1\r\nHost: test\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                + "Content-Length: " + body.length() + "\r\n" + AUTHORIZED + "\r\n" + body;

        assertEquals(new Answer(413, "{\"detail\":\"File too large: the limit is 10 bytes\",\"code\":\"payload_too_large\"}",
                "keep-alive", null), exchange(request));
    }

    @Test
    void anUploadWithoutItsFileFieldIs422NamingTheField() {
        String body = "--b\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--b--\r\n";
        String request = "POST /api/upload HTTP/1.1\r\nHost: test\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                + "Content-Length: " + body.length() + "\r\n" + AUTHORIZED + "\r\n" + body;

        assertEquals(new Answer(422, "{\"detail\":\"field 'file' is required\",\"code\":\"invalid_field\"}", "keep-alive", null),
                exchange(request));
    }

    @Test
    void aFileNameTheServerNeverGeneratedIs404() {
        assertEquals(new Answer(404, "{\"detail\":\"Not Found\",\"code\":\"not_found\"}", "keep-alive", null),
                exchange(get("/static/uploads/..%2Fsecret", "")));
    }

    @Test
    void historyIsAnsweredInTheRestMessageShape() {
        ChatMessage message = new ChatMessage(new MessageId("m1"), new RoomId("r1"), FakeCore.ANN.id(), "ann", "hi",
                Instant.parse("2026-01-02T03:04:05Z"), List.of("/static/uploads/a.png"), 7, "c-1");
        core.history = query -> CompletableFuture.completedFuture(Outcome.accepted(List.of(message)));

        assertEquals(new Answer(200, "[{\"id\":\"m1\",\"room_id\":\"r1\",\"user_id\":\"u1\",\"username\":\"ann\",\"content\":\"hi\","
                        + "\"timestamp\":\"2026-01-02T03:04:05.000Z\",\"attachments\":[\"/static/uploads/a.png\"],\"seq\":7,"
                        + "\"client_id\":\"c-1\"}]", "keep-alive", null),
                exchange(get("/api/rooms/r1/messages", AUTHORIZED)));
    }

    @Test
    void storageThatCannotBeReachedIs503AndAnythingUnexpected500() {
        core.history = query -> CompletableFuture.failedFuture(new StorageUnavailableException("away"));
        assertEquals(new Answer(503, "{\"detail\":\"Service unavailable: storage is unreachable\",\"code\":\"storage_unavailable\"}",
                "keep-alive", null), exchange(get("/api/rooms/r1/messages", AUTHORIZED)));

        core.history = query -> {
            throw new IllegalStateException("a bug");
        };
        assertEquals(new Answer(500, "{\"detail\":\"Internal Server Error\",\"code\":\"internal_error\"}", "keep-alive", null),
                exchange(get("/api/rooms/r1/messages", AUTHORIZED)));
    }

    @Test
    void aKeepAliveConnectionAnswersOneRequestAfterAnother() {
        List<Answer> answers = new ArrayList<>();
        answers.add(exchange(get("/api/health", "")));
        answers.add(exchange(get("/api/", "")));

        assertEquals(List.of(new Answer(200, "{\"status\":\"healthy\"}", "keep-alive", null),
                new Answer(200, "{\"message\":\"RelayChat API\"}", "keep-alive", null)), answers);
        assertTrue(channel.isOpen());
        assertTrue(channel.config().isAutoRead(), "reading again once answered");
    }

    @Test
    void aRequestAskingToCloseIsAnsweredThenTheConnectionCloses() {
        assertEquals(new Answer(200, "{\"status\":\"healthy\"}", "close", null),
                exchange(get("/api/health", "Connection: close\r\n")));
        assertFalse(channel.isOpen());
    }
}
