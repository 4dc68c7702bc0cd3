package io.relaychat.adapter.local;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** What lives in this process answers its readiness ping at once: nothing to wait for, nothing to fail. */
class InProcessProbeTest {
    @Test
    void aPingAnswersAtOnce() {
        var ping = InProcessProbe.INSTANCE.ping().toCompletableFuture();

        assertTrue(ping.isDone() && !ping.isCompletedExceptionally());
    }
}
