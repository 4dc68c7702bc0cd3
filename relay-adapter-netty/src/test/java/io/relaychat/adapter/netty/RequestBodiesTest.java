package io.relaychat.adapter.netty;

import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.relaychat.ports.model.User;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static io.relaychat.adapter.netty.HttpHarness.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Request bodies are bounded before they are buffered: by their route (JSON 2 KiB here, the upload 10 KiB and
 * its envelope, anything else 512 bytes), by the node's budget (3000 bytes here), and, for the upload, by a
 * good token first.
 */
class RequestBodiesTest {
    private static final int JSON = 2048;
    private static final int OTHER = 512;
    private static final int BUDGET = 3000;
    private static final String TOO_LARGE = "{\"detail\":\"Request body too large: the limit is %d bytes\",\"code\":\"payload_too_large\"}";

    private final FakeCore core = new FakeCore();
    private final HttpPipeline pipeline = new HttpPipeline(core, HttpHarness.settings().withBodyLimits(JSON, OTHER, BUDGET),
            new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE));
    private final List<HttpHarness> connections = new ArrayList<>();
    private final HttpHarness http = connection();

    private HttpHarness connection() {
        HttpHarness connection = new HttpHarness(pipeline);
        connections.add(connection);
        return connection;
    }

    @AfterEach
    void nothingLeaked() {
        connections.forEach(HttpHarness::finish);
        assertEquals(0, pipeline.bodyBytesHeld(), "every body gave its budget back");
    }

    private static String jsonHead(String path, long contentLength, String headers) {
        return "POST " + path + " HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: " + contentLength
                + "\r\n" + headers + "\r\n";
    }

    @Test
    void aJsonBodyDeclaredOverItsLimitIsRefusedBeforeAByteOfItIsSent() {
        HttpHarness.Answer answer = http.exchange(jsonHead("/api/auth/login", JSON + 1, ""));

        assertEquals(413, answer.status());
        assertEquals(TOO_LARGE.formatted(JSON), answer.body());
        assertEquals("close", answer.header("Connection"));
        assertEquals(0, pipeline.bodyBytesHeld());
    }

    @Test
    void aJsonRouteNeverTakesAnUploadSizedBodyEvenWithAGoodToken() {
        HttpHarness.Answer answer = http.exchange(jsonHead("/api/rooms", 10 * 1024 * 1024,
                "Authorization: Bearer " + FakeCore.TOKEN + "\r\n"));

        assertEquals(413, answer.status());
        assertEquals(TOO_LARGE.formatted(JSON), answer.body());
    }

    @Test
    void aChunkedBodyIsRefusedOnceItsRunningCountPassesTheLimit() {
        http.send("POST /api/auth/login HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
        http.send(Integer.toHexString(JSON - 10) + "\r\n" + "x".repeat(JSON - 10) + "\r\n");
        assertEquals(List.of(), http.answers(), "still within the limit");

        http.send("14\r\n" + "x".repeat(20) + "\r\n");
        assertEquals(413, http.answer().status());
    }

    @Test
    void aRouteThatTakesNoJsonHasTheSmallBound() {
        HttpHarness.Answer answer = http.exchange("GET /api/health HTTP/1.1\r\nHost: t\r\nContent-Length: " + (OTHER + 1) + "\r\n\r\n");

        assertEquals(413, answer.status());
        assertEquals(TOO_LARGE.formatted(OTHER), answer.body());
    }

    @Test
    void aBodyThatWouldPassTheNodesBudgetIs503ServerBusyWithRetryAfter() {
        http.send(jsonHead("/api/auth/login", JSON, "") + "{\"email\":\"");
        HttpHarness other = connection();

        HttpHarness.Answer busy = other.exchange(jsonHead("/api/auth/login", BUDGET - JSON + 1, ""));

        assertEquals(503, busy.status());
        assertEquals("{\"detail\":\"Server busy, try again shortly\",\"code\":\"server_busy\",\"retry_after_ms\":1000}", busy.body());
        assertEquals("1", busy.header("Retry-After"));
        assertEquals(JSON, pipeline.bodyBytesHeld(), "the first body holds its share while it is read");
    }

    @Test
    void theBudgetComesBackWhenTheAnswerIsWrittenAndWhenAHalfSentBodyIsAbandoned() {
        String body = "{\"email\":\"ann@example.com\",\"password\":\"" + "p".repeat(JSON - 200) + "\"}";
        http.send(HttpHarness.post("/api/auth/login", "", body));
        assertEquals(401, http.answer().status());
        assertEquals(0, pipeline.bodyBytesHeld(), "answered: given back");

        HttpHarness abandoned = connection();
        abandoned.send(jsonHead("/api/auth/login", JSON, "") + "{\"email\":");
        assertEquals(JSON, pipeline.bodyBytesHeld());
        abandoned.channel.close();
        assertEquals(0, pipeline.bodyBytesHeld(), "the connection went away: given back");
    }

    @Test
    void aClientThatExpectsContinueIsToldToSendItsBodyAndThenAnswered() {
        String body = "{\"email\":\"ann@example.com\",\"password\":\"password1\"}";
        http.send(jsonHead("/api/auth/login", body.length(), "Expect: 100-continue\r\n"));
        assertEquals(100, http.answer().status());

        http.send(body);
        assertEquals(401, http.answer().status());
        assertTrue(http.isOpen());
    }

    @Test
    void anUploadWithoutAGoodTokenIsRefused401BeforeItsBodyIsRead() {
        HttpHarness.Answer answer = http.exchange("POST /api/upload HTTP/1.1\r\nHost: t\r\n"
                + "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 50000\r\n\r\n");

        assertEquals(401, answer.status());
        assertEquals("{\"detail\":\"Could not validate credentials\",\"code\":\"unauthenticated\"}", answer.body());
        assertEquals("Bearer", answer.header("WWW-Authenticate"));
        assertEquals(0, pipeline.bodyBytesHeld(), "nothing taken for a body nobody may send");
    }

    @Test
    void anUploadWithAGoodTokenIsReadOnlyOnceTheTokenIsKnownGood() throws Exception {
        CompletableFuture<Optional<User>> checking = new CompletableFuture<>();
        core.authenticate = token -> checking;
        String body = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhello\r\n--b--\r\n";
        http.send("POST /api/upload HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                + "Content-Length: " + body.length() + "\r\nAuthorization: Bearer " + FakeCore.TOKEN + "\r\n\r\n" + body);
        assertFalse(http.channel.config().isAutoRead(), "the body waits for the token");
        assertEquals(0, pipeline.bodyBytesHeld());

        checking.complete(Optional.of(FakeCore.ANN));
        HttpHarness.Answer answer = http.answer();

        assertEquals(200, answer.status(), answer.body());
        assertEquals("/static/uploads/stored-a.txt", WireFormat.MAPPER.readTree(answer.body()).path("url").asText());
    }
}
