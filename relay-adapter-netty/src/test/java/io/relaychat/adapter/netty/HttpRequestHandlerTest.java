package io.relaychat.adapter.netty;

import io.netty.channel.embedded.EmbeddedChannel;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.MessageId;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.StorageUnavailableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP side on an embedded channel, from raw request bytes to the response a client reads, with a fake core. */
class HttpRequestHandlerTest {
    private static final int MAX_JSON_BYTES = 1024;
    private static final int UPLOAD_BOUND = 10 * 1024 + HttpPipeline.MULTIPART_SLACK_BYTES;
    private static final String AUTHORIZED = "Authorization: Bearer " + FakeCore.TOKEN + "\r\n";

    private final FakeCore core = new FakeCore();
    private final HttpHarness http = new HttpHarness(core, HttpHarness.settings());
    private final EmbeddedChannel channel = http.channel;

    /** Every test ends here: each response was read whole, nothing is left in either channel, nothing unreleased. */
    @AfterEach
    void nothingLeaked() {
        http.finish();
    }

    /** A response as the client sees it. */
    private record Answer(int status, String body, String connection, String wwwAuthenticate) {
    }

    private Answer exchange(String request) {
        http.send(request);
        return answer();
    }

    private Answer answer() {
        HttpHarness.Answer answer = http.answer();
        return new Answer(answer.status(), answer.body(), answer.header("Connection"), answer.header("WWW-Authenticate"));
    }

    private static String get(String path, String headers) {
        return HttpHarness.get(path, headers);
    }

    private static String post(String path, String headers, String body) {
        return HttpHarness.post(path, headers, body);
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

    /** Refused before a byte of it is read, so the connection cannot go on: it closes once the body is in. */
    @Test
    void aJsonBodyOverTheLimitIs413() {
        String body = "{\"email\":\"" + "x".repeat(MAX_JSON_BYTES) + "\"}";

        assertEquals(new Answer(413, "{\"detail\":\"Request body too large: the limit is 1024 bytes\",\"code\":\"payload_too_large\"}",
                "close", null), exchange(post("/api/auth/login", "", body)));
        assertFalse(http.isOpen(), "the body was read and dropped, then the connection closed");
    }

    @Test
    void anUploadOverTheUploadBoundIs413AndTheConnectionClosesOnceTheClientHasSentItAll() {
        String head = "POST /api/upload HTTP/1.1\r\nHost: test\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                + "Content-Length: " + (UPLOAD_BOUND + 1) + "\r\n" + AUTHORIZED + "\r\n";

        assertEquals(new Answer(413, "{\"detail\":\"Request body too large: the limit is " + UPLOAD_BOUND
                + " bytes\",\"code\":\"payload_too_large\"}", "close", null), exchange(head + "x".repeat(1000)));
        http.elapse(Duration.ofSeconds(1));
        assertTrue(http.isOpen(), "still reading the rest of the body, to drop it");
        http.send("x".repeat(UPLOAD_BOUND + 1 - 1000));
        assertFalse(http.isOpen());
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
        assertTrue(http.isOpen());
        assertTrue(channel.config().isAutoRead(), "reading again once answered");
    }

    @Test
    void aRequestAskingToCloseIsAnsweredThenTheConnectionCloses() {
        assertEquals(new Answer(200, "{\"status\":\"healthy\"}", "close", null),
                exchange(get("/api/health", "Connection: close\r\n")));
        assertFalse(http.isOpen());
    }
}
