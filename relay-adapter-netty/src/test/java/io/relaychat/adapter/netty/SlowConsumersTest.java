package io.relaychat.adapter.netty;

import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.relaychat.ports.model.RoomEvent;
import io.relaychat.ports.model.RoomId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A WebSocket whose client reads at its own pace (a {@link SlowReaderChannel}), with 64 KiB allowed in each of
 * the two places a backlog can wait: the event loop's task queue, and Netty's outbound buffer (whose writability
 * marks are at 32 KiB and 16 KiB). A good reader is never closed for a burst, a resuming client's backlog sent
 * page by page as {@code whenWritable} allows is never too much, and a client that stops reading is closed 1013.
 */
class SlowConsumersTest {
    private static final int QUEUED = 64 * 1024;
    /** About 4 KB of JSON: a long message. */
    private static final RoomEvent.Typing LONG = new RoomEvent.Typing(new RoomId("r1"), FakeCore.ANN.id(), "x".repeat(4000));

    private final FakeChatConnection connection = new FakeChatConnection(FakeCore.ANN);
    private final FakeChat chat = new FakeChat(connection);
    private final TrackingAllocator allocator = new TrackingAllocator();
    private final SlowReaderChannel socket = new SlowReaderChannel();
    /** The client's end: frames as it reads them from what the socket let through. */
    private final OutboundFrames client = new OutboundFrames();

    @BeforeEach
    void session() {
        TransportSettings settings = HttpHarness.settings().withWebSocketLimits(32, QUEUED, 50, Duration.ofSeconds(10));
        socket.config().setAllocator(allocator);
        socket.pipeline().addLast("websocket", new WebSocketSession(chat, FakeCore.ANN, settings));
    }

    @AfterEach
    void nothingLeaked() {
        socket.readsEverything();
        read();
        assertFalse(socket.finishAndReleaseAll(), "messages left in the channel");
        assertEquals(List.of(), allocator.unreleased(), "buffers never released");
    }

    /** What the client has read so far: "text" for each text frame, closes with their status and reason. */
    private List<String> read() {
        socket.runPendingTasks();
        List<String> frames = new ArrayList<>();
        for (Object written = socket.readOutbound(); written != null; written = socket.readOutbound()) {
            for (WebSocketFrame frame : client.add(written)) {
                frames.add(frame instanceof CloseWebSocketFrame close ? "close " + close.statusCode() + " " + close.reasonText()
                        : frame instanceof TextWebSocketFrame ? "text" : frame.toString());
                frame.release();
            }
        }
        return frames;
    }

    private static List<String> texts(int count) {
        return java.util.Collections.nCopies(count, "text");
    }

    /**
     * Before, what the core queued was counted against the room left in Netty's buffer at that moment: a burst
     * queued while the buffer was part full closed a client that read it all a moment later.
     */
    @Test
    void aBurstQueuedWhileNettysBufferIsPartFullIsNotTooSlowForAClientThatReadsIt() {
        for (int i = 0; i < 6; i++) {
            chat.tell(LONG);
        }
        socket.runPendingTasks();
        assertTrue(socket.pending() > 24_000 && socket.isWritable(), "Netty holds " + socket.pending() + " bytes");

        for (int i = 0; i < 12; i++) {
            chat.tell(LONG); // from the core, faster than the loop runs: about 49 KB waiting for it
        }
        socket.readsEverything();

        assertEquals(texts(18), read());
        assertTrue(socket.isOpen());
    }

    /**
     * A resuming client's backlog as the core sends it: pages of six long messages, each once the previous one
     * could go (here 180 messages, 730 KB, more than ten times what either bound allows). Before, whenWritable
     * was done at once, the whole backlog queued in one go, and the client was closed 1013.
     */
    @Test
    void aBacklogSentPageByPageAsTheClientBecomesWritableIsNeverTooSlowWhateverItsSize() {
        int pages = 30;
        AtomicInteger sent = new AtomicInteger();
        Runnable[] nextPage = new Runnable[1];
        nextPage[0] = () -> chat.whenWritable().thenRun(() -> {
            for (int i = 0; i < 6; i++) {
                chat.tell(LONG);
            }
            if (sent.incrementAndGet() < pages) {
                nextPage[0].run();
            }
        });
        nextPage[0].run();

        int received = 0;
        long mostHeld = 0;
        for (int round = 0; round < 10_000 && received < pages * 6; round++) {
            socket.reads(16 * 1024); // a client reading 16 KB at a time
            List<String> frames = read();
            assertEquals(texts(frames.size()), frames, "nothing but messages");
            received += frames.size();
            mostHeld = Math.max(mostHeld, socket.pending());
        }

        assertEquals(pages * 6, received);
        assertTrue(socket.isOpen());
        assertTrue(mostHeld < QUEUED, "Netty never held more than " + mostHeld + " bytes");
    }

    @Test
    void aClientThatStopsReadingIsClosed1013OnceNettysBufferPassesItsBound() {
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 5; j++) {
                chat.tell(LONG);
            }
            socket.runPendingTasks(); // each burst handed over: 20, 41, 61, then 81 KB held for a client not reading
        }

        socket.readsEverything();
        List<String> frames = read();

        assertEquals("close 1013 Client too slow", frames.get(frames.size() - 1));
        assertFalse(socket.isOpen());
        assertEquals(1, connection.closes, "the core is told the connection is gone");
    }

    @Test
    void whenWritableIsDoneAtOnceWhenNothingIsQueued() {
        assertTrue(chat.whenWritable().toCompletableFuture().isDone());
    }

    @Test
    void whenWritableIsDoneOnceWhatWasQueuedBeforeItHasBeenHandedToNetty() {
        socket.readsEverything();
        chat.tell(LONG); // queued for the event loop, which has not run it yet

        CompletableFuture<Void> ready = chat.whenWritable().toCompletableFuture();
        assertFalse(ready.isDone(), "the message before it still waits for the event loop");

        socket.runPendingTasks();
        assertTrue(ready.isDone());
        assertEquals(texts(1), read());
    }

    @Test
    void whenWritableWaitsWhileNettysBufferIsAboveItsHighMarkAndIsDoneOnceItDrains() {
        for (int i = 0; i < 9; i++) {
            chat.tell(LONG); // about 37 KB for a client not reading: above the high mark, within the bound
        }
        socket.runPendingTasks();
        assertFalse(socket.isWritable());

        CompletableFuture<Void> ready = chat.whenWritable().toCompletableFuture();
        socket.runPendingTasks();
        assertFalse(ready.isDone());
        socket.reads(8 * 1024);
        assertFalse(ready.isDone(), "still above the low mark");
        socket.reads(16 * 1024);

        assertTrue(ready.isDone(), "below the low mark: writable again");
        assertTrue(socket.isOpen());
    }

    @Test
    void whenWritableIsDoneWhenTheConnectionCloses() {
        for (int i = 0; i < 9; i++) {
            chat.tell(LONG);
        }
        socket.runPendingTasks();
        CompletableFuture<Void> ready = chat.whenWritable().toCompletableFuture();
        socket.runPendingTasks();
        assertFalse(ready.isDone());

        socket.close();
        socket.runPendingTasks();

        assertTrue(ready.isDone());
        assertFalse(ready.isCompletedExceptionally(), "done, not failed: the core just stops");
    }

    @Test
    void aClientTooSlowIsClosedASecondLaterEvenIfItNeverReadsTheCloseFrame() {
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 5; j++) {
                chat.tell(LONG);
            }
            socket.runPendingTasks();
        }
        assertTrue(socket.isOpen(), "the close frame waits behind what the client has not read");

        socket.advanceTimeBy(1, TimeUnit.SECONDS);
        socket.runScheduledPendingTasks();

        assertFalse(socket.isOpen());
    }
}
