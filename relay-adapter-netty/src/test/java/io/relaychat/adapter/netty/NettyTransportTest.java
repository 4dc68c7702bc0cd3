package io.relaychat.adapter.netty;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The transport's limits: their documented defaults, and how much of an upload it reads, taken from the core's limit. */
class NettyTransportTest {

    @Test
    void theUploadBoundIsTheCoresUploadLimitPlusTheMultipartEnvelope() {
        assertEquals(10 * 1024 * 1024 + HttpPipeline.MULTIPART_SLACK_BYTES, HttpPipeline.uploadBodyBytes(10 * 1024 * 1024));
    }

    @Test
    void anUploadLimitThatCannotFitOneBufferIsRefusedWhenTheTransportIsBuilt() {
        FakeCore core = new FakeCore();
        core.uploads = new FakeCore.RefusingUploads(Integer.MAX_VALUE);

        assertThrows(IllegalArgumentException.class, () -> new NettyTransport(core, TransportSettings.defaults()));
    }

    @Test
    void theDefaultsAreTheDocumentedLimits() {
        TransportSettings defaults = TransportSettings.defaults();

        assertEquals(8001, defaults.port());
        assertEquals(64 * 1024, defaults.maxFrameBytes());
        assertEquals(1024 * 1024, defaults.maxJsonBytes());
        assertEquals(120, defaults.idleTimeout().toSeconds());
        assertEquals(10, defaults.headTimeout().toSeconds());
        assertEquals(10, defaults.bodyReadTimeout().toSeconds());
        assertEquals(20, defaults.keepAliveTimeout().toSeconds());
        assertEquals(30, defaults.writeTimeout().toSeconds());
        assertEquals(16 * 1024, defaults.maxOtherBodyBytes());
        assertEquals(32, defaults.maxRequestsInFlight());
        assertEquals(4 * 1024 * 1024, defaults.maxQueuedBytes());
        assertEquals(50, defaults.rateLimitCloseCount());
        assertEquals(10, defaults.rateLimitCloseWindow().toSeconds());
        assertEquals(60, defaults.answerTimeout().toSeconds());
        assertEquals(4096, defaults.minBodyBytesPerSecond());
        assertTrue(defaults.maxBodyBytesInFlight() >= 16 * 1024 * 1024 && defaults.maxBodyBytesInFlight() <= 256 * 1024 * 1024);
        assertTrue(defaults.maxConnections() > 0);
    }

    @Test
    void theDefaultConnectionLimitIsTheOpenFileLimitLessAReserve() {
        assertEquals(1024 - 256, TransportSettings.connectionsFor(1024));
        assertEquals(1_048_576 - 104_857, TransportSettings.connectionsFor(1_048_576));
        assertEquals(TransportSettings.FALLBACK_MAX_CONNECTIONS, TransportSettings.connectionsFor(-1));
        assertEquals(64, TransportSettings.connectionsFor(100), "never so few that the server cannot serve at all");
    }

    @Test
    void zeroTurnsALimitOffButNoLimitMayBeNegative() {
        TransportSettings off = TransportSettings.defaults()
                .withHttpTimeouts(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO)
                .withBodyLimits(TransportSettings.DEFAULT_MAX_JSON_BYTES, 0, 0)
                .withMaxConnections(0)
                .withWebSocketLimits(0, 0, 0, Duration.ZERO)
                .withAnswerTimeout(Duration.ZERO)
                .withMinBodyBytesPerSecond(0);

        assertEquals(0, off.maxConnections());
        assertThrows(IllegalArgumentException.class, () -> off.withMinBodyBytesPerSecond(-1));
        assertThrows(IllegalArgumentException.class, () -> off.withAnswerTimeout(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> off.withMaxConnections(-1));
        assertThrows(IllegalArgumentException.class, () -> off.withHttpTimeouts(Duration.ofSeconds(-1), Duration.ZERO,
                Duration.ZERO, Duration.ZERO));
    }
}
