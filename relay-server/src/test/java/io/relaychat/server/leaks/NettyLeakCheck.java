package io.relaychat.server.leaks;

import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

/**
 * After each test class, collects garbage and lets Netty look for buffers that were dropped without
 * being released; fails the class if any were. Registered for every test of this module through
 * JUnit's extension auto-detection.
 */
public final class NettyLeakCheck implements AfterAllCallback {
    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        for (int round = 0; round < 3; round++) {
            System.gc();
            Thread.sleep(50);
            // The detector looks at collected buffers whenever a new one is tracked.
            ByteBufAllocator.DEFAULT.directBuffer(1).release();
        }
        if (!RecordingLeakDetector.LEAKS.isEmpty()) {
            List<String> leaks = new ArrayList<>(RecordingLeakDetector.LEAKS);
            RecordingLeakDetector.LEAKS.clear();
            throw new AssertionError(leaks.size() + " Netty buffer(s) leaked by the time "
                    + context.getDisplayName() + " ended; the first:\n" + leaks.get(0));
        }
    }
}
