package io.relaychat.adapter.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.relaychat.ports.in.SignedIn;
import io.relaychat.ports.model.Outcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.relaychat.adapter.netty.HttpHarness.get;
import static io.relaychat.adapter.netty.HttpHarness.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deadlines of each phase of an HTTP exchange (defaults: head 10 s, each body read 10 s, keep-alive 20 s,
 * writing an answer 30 s), and requests pipelined on one connection answered in order, one at a time.
 */
class HttpExchangesTest {
    private static final String LOGIN = post("/api/auth/login", "", "{\"email\":\"ann@example.com\",\"password\":\"password1\"}");

    private final FakeCore core = new FakeCore();
    private final HttpHarness http = new HttpHarness(core, HttpHarness.settings());

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

    @Test
    void aBodyThatStallsIsClosedAfterTheBodyReadTimeoutWhileOneThatMovesIsNot() {
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
}
