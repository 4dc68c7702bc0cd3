package io.relaychat.adapter.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.util.concurrent.ImmediateEventExecutor;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One HTTP connection through the transport's real pipeline on an embedded channel, from raw request bytes to
 * the answers a client reads, with time under the test's control. {@link #finish()} checks nothing leaked.
 */
final class HttpHarness {
    final TrackingAllocator allocator = new TrackingAllocator();
    final EmbeddedChannel channel;
    private final EmbeddedChannel client = new EmbeddedChannel(new HttpResponseDecoder(), new HttpObjectAggregator(1 << 22));

    /** An answer as the client sees it. */
    record Answer(int status, String body, HttpHeaders headers) {
        String header(CharSequence name) {
            return headers.get(name);
        }
    }

    HttpHarness(FakeCore core, TransportSettings settings) {
        this(pipeline(core, settings));
    }

    /** A connection of {@code pipeline}, sharing its budget and connection count with the others made from it. */
    HttpHarness(HttpPipeline pipeline) {
        this(pipeline, new EmbeddedChannel());
    }

    /** A connection of {@code pipeline} on {@code channel}, such as a {@link SlowReaderChannel}. */
    HttpHarness(HttpPipeline pipeline, EmbeddedChannel channel) {
        this.channel = channel;
        channel.freezeTime();
        channel.config().setAllocator(allocator);
        pipeline.install(channel);
    }

    static HttpPipeline pipeline(FakeCore core, TransportSettings settings) {
        return new HttpPipeline(core, settings, new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE));
    }

    static TransportSettings settings() {
        return new TransportSettings("127.0.0.1", 0, List.of("*"), 1024, 1024, Duration.ofSeconds(10), 1);
    }

    void send(String raw) {
        send(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    void send(byte[] raw) {
        if (channel.isOpen()) {
            channel.writeInbound(allocator.bytes(raw));
        }
    }

    /** Runs what the event loop has queued, until it queues nothing more. */
    void runTasks() {
        for (int i = 0; i < 100 && channel.hasPendingTasks(); i++) {
            channel.runPendingTasks();
        }
        channel.runPendingTasks();
    }

    /** Lets {@code time} pass on the connection's clock and runs what fell due. */
    void elapse(Duration time) {
        channel.advanceTimeBy(time.toNanos(), TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        runTasks();
    }

    /** Every answer written so far, in order. */
    List<Answer> answers() {
        runTasks();
        for (Object bytes = channel.readOutbound(); bytes != null; bytes = channel.readOutbound()) {
            client.writeInbound((ByteBuf) bytes);
        }
        List<Answer> answers = new ArrayList<>();
        for (FullHttpResponse response = client.readInbound(); response != null; response = client.readInbound()) {
            try {
                answers.add(new Answer(response.status().code(), response.content().toString(StandardCharsets.UTF_8),
                        response.headers().copy()));
            } finally {
                assertTrue(response.release());
            }
        }
        return answers;
    }

    /** The one answer written since the last look. */
    Answer answer() {
        List<Answer> answers = answers();
        assertEquals(1, answers.size(), "answers: " + answers);
        return answers.get(0);
    }

    Answer exchange(String request) {
        send(request);
        return answer();
    }

    boolean isOpen() {
        runTasks();
        return channel.isOpen();
    }

    /** Lets go of everything on either side without looking: a connection cut off in the middle of an answer. */
    void abandon() {
        channel.finishAndReleaseAll();
        client.finishAndReleaseAll();
    }

    /** Nothing left unread on either side, nothing in the pipeline, every buffer released. */
    void finish() {
        List<Answer> unread = answers();
        assertEquals(List.of(), unread, "answers nobody looked at");
        assertNull(channel.readOutbound(), "bytes the client never read");
        assertFalse(channel.finishAndReleaseAll(), "messages left in the server channel");
        assertFalse(client.finishAndReleaseAll(), "an answer left half read");
        assertEquals(List.of(), allocator.unreleased(), "buffers never released");
    }

    static String get(String path, String headers) {
        return "GET " + path + " HTTP/1.1\r\nHost: test\r\n" + headers + "\r\n";
    }

    static String post(String path, String headers, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return "POST " + path + " HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: "
                + bytes.length + "\r\n" + headers + "\r\n" + body;
    }
}
