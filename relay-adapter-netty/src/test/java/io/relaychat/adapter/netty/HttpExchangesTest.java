package io.relaychat.adapter.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.relaychat.ports.in.SignedIn;
import io.relaychat.ports.in.UploadsUseCase;
import io.relaychat.ports.model.Blob;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.UserId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static io.relaychat.adapter.netty.HttpHarness.get;
import static io.relaychat.adapter.netty.HttpHarness.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deadlines of each phase of an HTTP exchange (defaults: head 10 s, each body read 10 s and at least 4 KiB/s
 * over each 5 s after the first, the server's own answer 60 s, keep-alive 20 s, an answer being written 30 s
 * without a byte leaving), and requests pipelined on one connection answered in order, one at a time.
 */
class HttpExchangesTest {
    private static final String LOGIN = post("/api/auth/login", "", "{\"email\":\"ann@example.com\",\"password\":\"password1\"}");

    private final FakeCore core = new FakeCore();
    private HttpHarness http = new HttpHarness(core, HttpHarness.settings());

    @AfterEach
    void nothingLeaked() {
        http.finish();
    }

    @Test
    void aConnectionThatNeverSendsAByteIsClosedAfterTheHeadTimeout() {
        http.elapse(Duration.ofSeconds(9));
        assertTrue(http.isOpen());

        http.elapse(Duration.ofSeconds(1));
        assertFalse(http.isOpen());
    }

    @Test
    void aHeadTrickledInIsClosedWhenItIsNotWholeWithinTheHeadTimeoutOfItsFirstByte() {
        http.send("GET /api/health HTTP/1.1\r\n");
        for (int i = 0; i < 3; i++) {
            http.elapse(Duration.ofSeconds(3));
            http.send("X-Slow-" + i + ": y\r\n");
        }
        assertTrue(http.isOpen(), "9 s after the first byte, still within the head's 10 s");

        http.elapse(Duration.ofSeconds(1));
        assertFalse(http.isOpen(), "bytes that keep coming do not keep a head alive");
    }

    /** The minimum rate is off here: this is the read timeout alone. */
    @Test
    void aBodyThatStallsIsClosedAfterTheBodyReadTimeoutWhileOneThatMovesIsNot() {
        http.finish();
        http = new HttpHarness(core, HttpHarness.settings().withMinBodyBytesPerSecond(0));
        http.send("POST /api/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\":");
        http.elapse(Duration.ofSeconds(9));
        http.send("\"xxxxxxxx");
        http.elapse(Duration.ofSeconds(9));
        assertTrue(http.isOpen(), "each read came within 10 s of the one before");

        http.elapse(Duration.ofSeconds(1));
        assertFalse(http.isOpen(), "a body stalled mid-way");
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedAfterTheKeepAliveTimeout() {
        assertEquals(200, http.exchange(get("/api/health", "")).status());
        http.elapse(Duration.ofSeconds(19));
        assertEquals(200, http.exchange(get("/api/health", "")).status(), "a request in time is answered");
        http.elapse(Duration.ofSeconds(19));
        assertTrue(http.isOpen(), "the idle clock started again after the second answer");

        http.elapse(Duration.ofSeconds(1));
        assertFalse(http.isOpen());
    }

    @Test
    void anAnswerTheClientDoesNotReadIsGivenUpOnAfterTheWriteTimeout() {
        List<Object> unread = new ArrayList<>();
        http.channel.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                unread.add(msg); // a socket whose peer never reads: the write never completes
            }
        });
        http.send(get("/api/health", ""));
        http.elapse(Duration.ofSeconds(29));
        assertTrue(http.isOpen());

        http.elapse(Duration.ofSeconds(1));
        assertFalse(http.isOpen());
        unread.forEach(ReferenceCountUtil::release);
    }

    @Test
    void requestsSentBackToBackAreAnsweredInOrderOneAtATime() {
        CompletableFuture<Outcome<SignedIn>> login = new CompletableFuture<>();
        core.login = command -> login;

        http.send(LOGIN + get("/api/health", "") + get("/api/", ""));
        assertEquals(List.of(), http.answers(), "nothing overtakes the login");
        assertFalse(http.channel.config().isAutoRead(), "and the socket is not read while it is answered");

        login.complete(Outcome.accepted(new SignedIn("t0k3n", FakeCore.ANN)));
        List<Integer> statuses = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        for (HttpHarness.Answer answer : http.answers()) {
            statuses.add(answer.status());
            bodies.add(answer.body());
        }
        assertEquals(List.of(200, 200, 200), statuses);
        assertTrue(bodies.get(0).contains("t0k3n"), bodies.get(0));
        assertEquals(List.of("{\"status\":\"healthy\"}", "{\"message\":\"RelayChat API\"}"), bodies.subList(1, 3));
        assertTrue(http.channel.config().isAutoRead(), "reading again once all three are answered");
    }

    @Test
    void aPipelinedRequestHalfSentWaitsForTheRestAndIsThenAnswered() {
        String health = get("/api/health", "");
        http.send(get("/api/", "") + health.substring(0, 10));
        assertEquals("{\"message\":\"RelayChat API\"}", http.answer().body());

        http.send(health.substring(10));
        assertEquals("{\"status\":\"healthy\"}", http.answer().body());
    }

    /** HEAD is answered without the body a GET would have, or the body would be read as the next answer. */
    @Test
    void theAnswerToAHeadHasNoBodyAndTheConnectionGoesOn() {
        http.send("HEAD /api/health HTTP/1.1\r\nHost: t\r\n\r\n");
        http.runTasks();
        StringBuilder raw = new StringBuilder();
        for (ByteBuf bytes = http.channel.readOutbound(); bytes != null; bytes = http.channel.readOutbound()) {
            raw.append(bytes.toString(StandardCharsets.ISO_8859_1));
            bytes.release();
        }
        assertTrue(raw.toString().startsWith("HTTP/1.1 405"), raw.toString());
        assertTrue(raw.toString().endsWith("\r\n\r\n"), "headers only: " + raw);

        assertEquals(200, http.exchange(get("/api/health", "")).status());
    }

    /** Before, nothing timed the server's own work: an answer that never came held the connection for good. */
    @Test
    void anAnswerThatNeverComesClosesTheConnectionAfterTheAnswerDeadline() {
        core.login = command -> new CompletableFuture<>();
        http.send(LOGIN);

        http.elapse(Duration.ofSeconds(59));
        assertTrue(http.isOpen(), "a slow answer is waited for");
        http.elapse(Duration.ofSeconds(1));
        assertFalse(http.isOpen(), "one that never comes is not");
    }

    /** Before, the write timeout was a deadline for the whole answer: a download on a slow link was cut at 30 s. */
    @Test
    void aSlowReaderOfALongAnswerIsClosedOnlyOnceNothingHasLeftForTheWriteTimeout() {
        byte[] file = new byte[400_000];
        core.uploads = new DownloadOnly(new Blob(file, "image/png"));
        SlowReaderChannel socket = new SlowReaderChannel();
        HttpHarness slow = new HttpHarness(HttpHarness.pipeline(core, HttpHarness.settings()), socket);
        try {
            slow.send(get("/static/uploads/a.png", ""));
            for (int i = 0; i < 25; i++) {
                slow.elapse(Duration.ofSeconds(20));
                socket.reads(8 * 1024);
                assertTrue(slow.isOpen(), "still moving after " + (i + 1) * 20 + " s");
            }
            socket.readsEverything();
            HttpHarness.Answer answer = slow.answer();
            assertEquals(200, answer.status());
            assertEquals(file.length, answer.body().length());

            socket.stopsReading();
            slow.send(get("/static/uploads/a.png", ""));
            slow.elapse(Duration.ofSeconds(10));
            socket.reads(1024);
            slow.elapse(Duration.ofSeconds(29));
            assertTrue(slow.isOpen(), "29 s since the last bytes left");
            slow.elapse(Duration.ofSeconds(5));
            assertFalse(slow.isOpen(), "nothing has left for the write timeout");
        } finally {
            slow.abandon();
        }
    }

    /** Before, one byte within each body read timeout kept a body, and what it held of the budget, alive for good. */
    @Test
    void aBodyTrickledInSlowerThanTheMinimumRateIsClosedAfterItsGracePeriod() {
        http.send("POST /api/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{");
        for (int i = 0; i < 2; i++) {
            http.elapse(Duration.ofSeconds(4));
            http.send("x");
        }
        assertTrue(http.isOpen(), "not judged before its first whole window");

        http.elapse(Duration.ofSeconds(4));
        assertFalse(http.isOpen(), "a byte every 4 s is far below the minimum rate");
    }

    @Test
    void aBodyThatKeepsUpTheMinimumRateIsReadToItsEndHoweverLongItTakes() {
        http.finish();
        http = new HttpHarness(core, HttpHarness.settings().withBodyLimits(1024 * 1024, 0, 0));
        int seconds = 30;
        int perSecond = 4608;
        http.send("POST /api/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: "
                + seconds * perSecond + "\r\n\r\n");
        for (int i = 0; i < seconds; i++) {
            http.elapse(Duration.ofSeconds(1));
            assertTrue(http.isOpen(), i + " s in");
            http.send("x".repeat(perSecond));
        }

        assertEquals(422, http.answer().status(), "read whole, and answered: it is not JSON");
    }

    /** While the server checks an upload's token, the clock is the server's: no body deadline runs, the safety one does. */
    @Test
    void aBodyOnHoldIsNotTimedAsTheClientsButGivenUpAfterTheAnswerDeadline() {
        core.authenticate = token -> new CompletableFuture<>(); // a check that never ends
        http.send("POST /api/upload HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                + "Content-Length: 5000\r\nAuthorization: Bearer " + FakeCore.TOKEN + "\r\n\r\n");

        http.elapse(Duration.ofSeconds(59));
        assertTrue(http.isOpen(), "past the body's read timeout and its rate's grace: not the client's fault");
        http.elapse(Duration.ofSeconds(1));
        assertFalse(http.isOpen());
    }

    /** Answers {@code blob} for every name, as the store would a file it has. */
    private record DownloadOnly(Blob blob) implements UploadsUseCase {
        @Override
        public CompletionStage<Outcome<StoredUpload>> upload(UserId uploader, String originalName, byte[] content) {
            throw new UnsupportedOperationException("downloads only");
        }

        @Override
        public CompletionStage<Optional<Blob>> download(String storedName) {
            return CompletableFuture.completedFuture(Optional.of(blob));
        }

        @Override
        public long maxBytes() {
            return 10 * 1024;
        }
    }

    @Test
    void givenALoginWaitingForItsAnswer_whenTheNodeDrains_thenItIsAnsweredWithConnectionCloseAndTheConnectionCloses() {
        CompletableFuture<Outcome<SignedIn>> answer = new CompletableFuture<>();
        core.login = command -> answer;
        http.send(LOGIN);

        drain();
        assertTrue(http.isOpen(), "the request under way is answered first");
        answer.complete(Outcome.rejected(Refusal.invalidCredentials()));

        HttpHarness.Answer answered = http.answer();
        assertEquals(401, answered.status());
        assertEquals("close", answered.headers().get("Connection"));
        assertFalse(http.isOpen());
    }

    @Test
    void givenAnIdleKeptAliveConnection_whenTheNodeDrains_thenItClosesAtOnce() {
        assertEquals(200, http.exchange(get("/api/health", "")).status());

        drain();
        assertFalse(http.isOpen());
    }

    @Test
    void givenANewConnection_whenTheNodeDrains_thenItsFirstRequestIsStillAnsweredIfItComesWithinASecond() {
        drain();
        http.elapse(Duration.ofMillis(900));
        HttpHarness.Answer answered = http.exchange(get("/api/health", ""));

        assertEquals(200, answered.status());
        assertEquals("close", answered.headers().get("Connection"));
        assertFalse(http.isOpen());
    }

    @Test
    void givenANewConnectionThatStaysSilent_whenTheNodeDrains_thenItClosesAfterASecondNotTheHeadTimeout() {
        drain();
        http.elapse(Duration.ofMillis(900));
        assertTrue(http.isOpen());

        http.elapse(Duration.ofMillis(100));
        assertFalse(http.isOpen());
    }

    private void drain() {
        http.channel.pipeline().fireUserEventTriggered(ConnectionDrain.Event.DRAIN);
        http.runTasks();
    }
}
