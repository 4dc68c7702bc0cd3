package io.relaychat.adapter.netty;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** How much of one request the transport reads, taken from the core's upload limit. */
class NettyTransportTest {

    @Test
    void theRequestBoundIsTheCoresUploadLimitPlusTheMultipartEnvelope() {
        assertEquals(10 * 1024 * 1024 + NettyTransport.MULTIPART_SLACK_BYTES,
                NettyTransport.maxRequestBytes(10 * 1024 * 1024, TransportSettings.DEFAULT_MAX_JSON_BYTES));
    }

    @Test
    void aJsonLimitAboveTheUploadsIsTheBoundItself() {
        assertEquals(TransportSettings.DEFAULT_MAX_JSON_BYTES, NettyTransport.maxRequestBytes(1024, TransportSettings.DEFAULT_MAX_JSON_BYTES));
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
    }
}
