package io.relaychat.adapter.netty;

import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.relaychat.ports.in.HistoryQuery;
import io.relaychat.ports.model.Outcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import static io.relaychat.adapter.netty.HttpHarness.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Input no honest client sends is answered with a clear 4xx, never a 500, and the node's limits hold. */
class HostileInputTest {
    private static final String AUTHORIZED = "Authorization: Bearer " + FakeCore.TOKEN + "\r\n";

    private final FakeCore core = new FakeCore();
    private final List<HttpHarness> connections = new ArrayList<>();

    private HttpHarness connection(HttpPipeline pipeline) {
        HttpHarness connection = new HttpHarness(pipeline);
        connections.add(connection);
        return connection;
    }

    private HttpHarness connection() {
        return connection(new HttpPipeline(core, HttpHarness.settings(), new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE)));
    }

    @AfterEach
    void nothingLeaked() {
        connections.forEach(HttpHarness::finish);
    }

    private static String upload(String requestCharset, String partHeaders) {
        String body = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n" + partHeaders
                + "\r\nhello\r\n--b--\r\n";
        return "POST /api/upload HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data; boundary=b" + requestCharset
                + "\r\nContent-Length: " + body.length() + "\r\n" + AUTHORIZED + "\r\n" + body;
    }

    @Test
    void anUploadNamingACharsetJavaDoesNotKnowIs422NotA500() {
        HttpHarness.Answer answer = connection().exchange(upload("; charset=foo-unknown", ""));

        assertEquals(422, answer.status(), answer.body());
        assertTrue(answer.body().contains("\"code\":\"invalid_field\""), answer.body());
    }

    @Test
    void anUploadPartWithACharsetThatIsNotEvenANameIs422NotA500() {
        HttpHarness.Answer answer = connection().exchange(upload("", "Content-Type: text/plain; charset=@@@\r\n"));

        assertEquals(422, answer.status(), answer.body());
        assertTrue(answer.body().contains("\"code\":\"invalid_field\""), answer.body());
    }

    /** Found by HostileInputPropertiesTest: Netty's multipart decoder reads the boundary's first character unchecked. */
    @Test
    void anUploadWithAnEmptyBoundaryIs422NotA500() {
        String body = "--\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n----";
        HttpHarness.Answer answer = connection().exchange("POST /api/upload HTTP/1.1\r\nHost: t\r\n"
                + "Content-Type: multipart/form-data; boundary=\r\nContent-Length: " + body.length() + "\r\n" + AUTHORIZED
                + "\r\n" + body);

        assertEquals(422, answer.status(), answer.body());
        assertTrue(answer.body().contains("\"code\":\"invalid_field\""), answer.body());
    }

    @Test
    void aSeqCursorAnywhereUpToTwoToTheFiftyThirdIsACursor() {
        AtomicReference<HistoryQuery> asked = new AtomicReference<>();
        core.history = query -> {
            asked.set(query);
            return CompletableFuture.completedFuture(Outcome.accepted(List.of()));
        };
        HttpHarness http = connection();

        for (long seq : List.of(1L << 31, (1L << 53) - 1, 1L << 53)) {
            assertEquals(200, http.exchange(get("/api/rooms/r1/messages?before_seq=" + seq, AUTHORIZED)).status());
            assertEquals(seq, asked.get().beforeSeq());
        }
        HttpHarness.Answer notANumber = http.exchange(get("/api/rooms/r1/messages?before_seq=1e3", AUTHORIZED));
        assertEquals(422, notANumber.status());
        assertEquals("{\"detail\":\"query parameter 'before_seq' must be an integer\",\"code\":\"invalid_field\"}", notANumber.body());
    }

    @Test
    void aMalformedEscapeInThePathOrQueryIsAMalformedRequestNotAFault() {
        for (String uri : List.of("/api/%zz", "/api/users/search?q=%", "/api/ws?token=%zzsecret")) {
            HttpHarness.Answer answer = connection().exchange(get(uri, AUTHORIZED));
            assertEquals(400, answer.status(), uri);
            assertEquals("{\"detail\":\"Malformed HTTP request\",\"code\":\"malformed_request\"}", answer.body(), uri);
        }
    }

    @Test
    void aConnectionOverTheNodesLimitIsAnswered503TooManyConnectionsEvenForAWebSocket() {
        HttpPipeline pipeline = new HttpPipeline(core, HttpHarness.settings().withMaxConnections(1),
                new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE));
        HttpHarness first = connection(pipeline);
        HttpHarness second = connection(pipeline);

        HttpHarness.Answer refused = second.exchange(get("/api/ws?token=" + FakeCore.TOKEN,
                "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        + "Sec-WebSocket-Version: 13\r\n"));

        assertEquals(503, refused.status());
        assertEquals("{\"detail\":\"Too many connections on this server: try again later\",\"code\":\"too_many_connections\","
                + "\"retry_after_ms\":5000}", refused.body());
        assertEquals("5", refused.header("Retry-After"));
        assertFalse(second.isOpen());
        assertEquals(200, first.exchange(get("/api/health", "")).status(), "the connections within the limit go on");
        assertEquals(1, pipeline.openConnections());
    }

    /** Before, a connection over the limit held its file descriptor for the head timeout (10 s) if it sent nothing. */
    @Test
    void aConnectionOverTheNodesLimitThatSendsNothingIsClosedWithinASecond() {
        HttpPipeline pipeline = new HttpPipeline(core, HttpHarness.settings().withMaxConnections(1),
                new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE));
        HttpHarness first = connection(pipeline);
        HttpHarness second = connection(pipeline);

        second.elapse(Duration.ofMillis(900));
        assertTrue(second.isOpen());
        second.elapse(Duration.ofMillis(100));

        assertFalse(second.isOpen());
        assertTrue(first.isOpen());
    }
}
