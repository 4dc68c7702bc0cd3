package io.relaychat.adapter.netty;

import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.relaychat.ports.in.UploadsUseCase;
import io.relaychat.ports.model.Blob;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.User;
import io.relaychat.ports.model.UserId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static io.relaychat.adapter.netty.HttpHarness.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Request bodies are bounded before they are buffered: by their route (JSON 2 KiB here, the upload 10 KiB and
 * its envelope, anything else 512 bytes), by the node's budget (3000 bytes here, charged for the bytes that
 * arrive), and, for the upload, by a good token first. A body refused before it ends is read and dropped, so the
 * client can read the answer.
 */
class RequestBodiesTest {
    private static final int JSON = 2048;
    private static final int OTHER = 512;
    private static final int BUDGET = 3000;
    private static final String AUTHORIZED = "Authorization: Bearer " + FakeCore.TOKEN + "\r\n";
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
    void aBodyIsChargedToTheBudgetForTheBytesItSentNotTheLengthItDeclared() {
        http.send(jsonHead("/api/auth/login", JSON, "") + "{\"email\":");
        assertEquals(9, pipeline.bodyBytesHeld(), "what arrived, not the 2048 declared");

        HttpHarness other = connection();
        other.send(jsonHead("/api/auth/login", JSON, "") + "{\"email\":");

        assertEquals(List.of(), other.answers(), "declaring a length takes nothing from anyone");
        assertEquals(18, pipeline.bodyBytesHeld());
    }

    @Test
    void aChunkOfBodyThatDoesNotFitTheNodesBudgetIs503ServerBusyWithRetryAfterThenTheRestIsReadAndDropped() {
        http.send(jsonHead("/api/auth/login", JSON, "") + "x".repeat(2000));
        HttpHarness other = connection();

        other.send(jsonHead("/api/auth/login", JSON, "") + "y".repeat(BUDGET - 2000 + 1));
        HttpHarness.Answer busy = other.answer();

        assertEquals(503, busy.status());
        assertEquals("{\"detail\":\"Server busy, try again shortly\",\"code\":\"server_busy\",\"retry_after_ms\":1000}", busy.body());
        assertEquals("1", busy.header("Retry-After"));
        assertEquals("close", busy.header("Connection"));
        assertEquals(2000, pipeline.bodyBytesHeld(), "the first body holds what it sent while it is read");
        other.elapse(Duration.ofSeconds(3));
        assertTrue(other.isOpen(), "the refused body is read to its end, so the client reads the answer, not a reset");
        other.send("y".repeat(JSON - (BUDGET - 2000 + 1)));
        assertFalse(other.isOpen(), "and then the connection closes");
        assertEquals(2000, pipeline.bodyBytesHeld(), "nothing of the refused body was kept");
    }

    @Test
    void aBodyLargerThanTheWholeBudgetIsStillReadWhenNothingElseIsHeld() {
        String file = "z".repeat(9000);
        String body = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\n" + file + "\r\n--b--\r\n";
        HttpHarness.Answer answer = http.exchange("POST /api/upload HTTP/1.1\r\nHost: t\r\n"
                + "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: " + body.length() + "\r\n" + AUTHORIZED
                + "\r\n" + body);

        assertEquals(200, answer.status(), answer.body());
    }

    @Test
    void theBudgetComesBackWhenTheAnswerIsWrittenAndWhenAHalfSentBodyIsAbandoned() {
        String body = "{\"email\":\"ann@example.com\",\"password\":\"" + "p".repeat(JSON - 200) + "\"}";
        http.send(HttpHarness.post("/api/auth/login", "", body));
        assertEquals(401, http.answer().status());
        assertEquals(0, pipeline.bodyBytesHeld(), "answered: given back");

        HttpHarness abandoned = connection();
        abandoned.send(jsonHead("/api/auth/login", JSON, "") + "{\"email\":");
        assertEquals(9, pipeline.bodyBytesHeld());
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

    /** Before, the head and the end of an empty body came in one read and the end was lost: no answer, ever. */
    @Test
    void anUploadWithAnEmptyBodyIsAnswered422AndTheConnectionGoesOn() {
        for (String length : List.of("Content-Length: 0\r\n", "")) {
            HttpHarness upload = connection();
            CompletableFuture<Optional<User>> checking = new CompletableFuture<>();
            core.authenticate = token -> checking;
            upload.send("POST /api/upload HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data; boundary=b\r\n" + length
                    + AUTHORIZED + "\r\n");
            upload.runTasks();
            assertFalse(upload.channel.config().isAutoRead(), "the token is being checked");

            checking.complete(Optional.of(FakeCore.ANN));
            HttpHarness.Answer answer = upload.answer();

            assertEquals(422, answer.status(), length + answer.body());
            assertTrue(answer.body().contains("\"code\":\"invalid_field\""), answer.body());
            assertEquals(200, upload.exchange(get("/api/health", "")).status(), "the connection goes on");
        }
    }

    /** Before, the token check switched reading back on while the upload it let in was being answered. */
    @Test
    void whileAnUploadIsAnsweredTheSocketIsNotReadEvenAfterItsTokenCheckLetItIn() {
        CompletableFuture<Optional<User>> checking = new CompletableFuture<>();
        core.authenticate = token -> checking;
        CompletableFuture<Outcome<UploadsUseCase.StoredUpload>> storing = new CompletableFuture<>();
        core.uploads = new UploadsUseCase() {
            @Override
            public CompletionStage<Outcome<StoredUpload>> upload(UserId uploader, String originalName, byte[] content) {
                return storing;
            }

            @Override
            public CompletionStage<Optional<Blob>> download(String storedName) {
                return CompletableFuture.completedFuture(Optional.empty());
            }

            @Override
            public long maxBytes() {
                return 10 * 1024;
            }
        };
        String body = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhello\r\n--b--\r\n";
        http.send("POST /api/upload HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                + "Content-Length: " + body.length() + "\r\n" + AUTHORIZED + "\r\n" + body + get("/api/health", ""));

        checking.complete(Optional.of(FakeCore.ANN));
        http.runTasks();

        assertFalse(http.channel.config().isAutoRead(), "the upload is whole and being answered: nothing more is read");
        assertEquals(List.of(), http.answers());
        storing.complete(Outcome.accepted(new UploadsUseCase.StoredUpload("stored-a.txt", "a.txt")));
        List<Integer> statuses = http.answers().stream().map(HttpHarness.Answer::status).toList();
        assertEquals(List.of(200, 200), statuses, "the upload, then the request behind it");
        assertTrue(http.channel.config().isAutoRead());
    }

    /** Before, the upload check read the raw URI and the router the decoded path: an escape skipped the check. */
    @Test
    void anUploadPathSpelledWithEscapesIsCheckedForItsTokenAndBoundedAsAnUpload() {
        HttpHarness.Answer anonymous = http.exchange("POST /api/%75pload HTTP/1.1\r\nHost: t\r\n"
                + "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 50000\r\n\r\n");
        assertEquals(401, anonymous.status(), "refused for its token before its body is read");

        HttpHarness good = connection();
        String file = "z".repeat(5000);
        String body = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\n" + file + "\r\n--b--\r\n";
        HttpHarness.Answer uploaded = good.exchange("POST /api/%75pload HTTP/1.1\r\nHost: t\r\n"
                + "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: " + body.length() + "\r\n" + AUTHORIZED
                + "\r\n" + body);
        assertEquals(200, uploaded.status(), "within the upload's bound, not the JSON routes': " + uploaded.body());
    }

    /** Before, the connection closed a second after an early refusal: a browser still sending got a reset. */
    @Test
    void afterAnUploadIsRefusedForItsTokenTheRestOfItsDeclaredBodyIsReadAndDroppedThenTheConnectionCloses() {
        http.send("POST /api/upload HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                + "Content-Length: 50000\r\n\r\n");
        assertEquals(401, http.answer().status());

        for (int i = 0; i < 4; i++) {
            http.elapse(Duration.ofSeconds(1));
            http.send("x".repeat(10_000));
            assertTrue(http.isOpen(), "still reading the body the client declared, " + (i + 1) + " s on");
            assertEquals(0, pipeline.bodyBytesHeld(), "read and dropped, never held");
        }
        http.send("x".repeat(10_000));

        assertFalse(http.isOpen(), "all of it read: closed");
    }

    @Test
    void afterAnEarly413TheBodyIsReadAndDroppedUpToABoundThenTheConnectionCloses() {
        http.send(jsonHead("/api/auth/login", 10 * 1024 * 1024, ""));
        assertEquals(413, http.answer().status());
        String mebibyte = "x".repeat(1024 * 1024);

        for (int i = 0; i < 3; i++) {
            http.elapse(Duration.ofSeconds(1));
            http.send(mebibyte);
            assertTrue(http.isOpen(), (i + 1) + " MiB read and dropped");
        }
        http.send(mebibyte);
        http.send(mebibyte);

        assertFalse(http.isOpen(), "past 4 MiB the node stops reading what it will never use");
        assertEquals(0, pipeline.bodyBytesHeld());
    }

    /** A client that expects 100 Continue and is refused instead sends no body: there is nothing to wait for. */
    @Test
    void anUploadRefusedBeforeItWasToldToContinueIsClosedOnceAnswered() {
        HttpHarness.Answer answer = http.exchange("POST /api/upload HTTP/1.1\r\nHost: t\r\n"
                + "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 50000\r\nExpect: 100-continue\r\n\r\n");

        assertEquals(401, answer.status());
        assertFalse(http.isOpen(), "no body is coming: closed at once, not after the body's timeouts");
    }
}
