package io.relaychat.server.leaks;

import io.netty.buffer.ByteBufAllocator;
import io.relaychat.testkit.Await;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

/**
 * After each test class, collects garbage and lets Netty look for buffers that were dropped without
 * being released; fails the class if any were. Registered for every test of this module through
 * JUnit's extension auto-detection.
 */
public final class NettyLeakCheck implements AfterAllCallback {
    @Override
    public void afterAll(ExtensionContext context) {
        assertNoLeaks(context.getDisplayName());
    }

    /** The check itself, for tests another engine runs (jqwik's properties), which no Jupiter extension reaches. */
    public static void assertNoLeaks(String testName) {
        for (int round = 0; round < 3; round++) {
            collectGarbage();
            // The detector looks at collected buffers whenever a new one is tracked.
            ByteBufAllocator.DEFAULT.directBuffer(1).release();
        }
        if (!RecordingLeakDetector.LEAKS.isEmpty()) {
            List<String> leaks = new ArrayList<>(RecordingLeakDetector.LEAKS);
            RecordingLeakDetector.LEAKS.clear();
            throw new AssertionError(leaks.size() + " Netty buffer(s) leaked by the time "
                    + testName + " ended; the first:\n" + leaks.get(0));
        }
    }

    /**
     * A full collection, and its weak references handed to their queues, Netty's leak detector's among them.
     * The JVM's one reference-handler thread enqueues each collection's references in turn, so once a sentinel
     * cleared by this collection is enqueued, all that the previous round's collection cleared are too.
     */
    private static void collectGarbage() {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
        System.gc();
        Await.until("a garbage collection has run and its references were enqueued", () -> queue.poll() != null);
        Reference.reachabilityFence(sentinel);
    }
}
