package io.relaychat.adapter.netty;

import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.relaychat.ports.in.UploadsUseCase;
import io.relaychat.ports.model.Blob;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.UserId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An upload's body goes to the core as it arrives, at the store's pace: while the store is behind, the socket is
 * not read (and the client's body clocks do not run: the wait is the server's), and what the node holds of the
 * body stays at what waits for the store, never the file.
 */
class StreamedUploadTest {
    private static final int FILE = 1024 * 1024;
    private static final String PART = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n\r\n";
    private static final String TAIL = "\r\n--b--\r\n";

    private final FakeCore core = new FakeCore();
    private final SlowStore store = new SlowStore();
    private final HttpPipeline pipeline;
    private final HttpHarness http;

    StreamedUploadTest() {
        core.uploads = store;
        pipeline = new HttpPipeline(core, HttpHarness.settings(), new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE));
        http = new HttpHarness(pipeline);
    }

    @AfterEach
    void nothingLeaked() {
        http.finish();
        assertEquals(0, pipeline.bodyBytesHeld());
    }

    @Test
    void whileTheStoreIsBehindTheSocketWaitsAndTheNodeHoldsOnlyWhatWaitsForIt() {
        byte[] file = new byte[FILE];
        for (int i = 0; i < file.length; i++) {
            file[i] = (byte) (i * 31);
        }
        http.send("POST /api/upload HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                + "Content-Length: " + (PART.length() + FILE + TAIL.length()) + "\r\nAuthorization: Bearer "
                + FakeCore.TOKEN + "\r\n\r\n" + PART);
        http.runTasks();
        int piece = 16 * 1024;
        int sent = 0;
        while (http.channel.config().isAutoRead() && sent < FILE) {
            http.send(slice(file, sent, piece));
            sent += piece;
        }
        assertFalse(http.channel.config().isAutoRead(), "the store wrote nothing: the socket waits for it");
        assertTrue(sent <= UploadReceiver.HIGH_WATER_BYTES + UploadReceiver.CHUNK_BYTES + piece, sent + " bytes sent");
        assertTrue(pipeline.bodyBytesHeld() <= sent, "held " + pipeline.bodyBytesHeld());

        http.elapse(Duration.ofSeconds(30));
        assertTrue(http.isOpen(), "past the body's read timeout and its rate: the wait is the server's");

        store.writeEverything(http);
        assertTrue(http.channel.config().isAutoRead(), "the store caught up: read again");
        assertTrue(pipeline.bodyBytesHeld() < UploadReceiver.LOW_WATER_BYTES, "held " + pipeline.bodyBytesHeld());

        long mostHeld = 0;
        while (sent < FILE) {
            http.send(slice(file, sent, piece));
            sent += piece;
            mostHeld = Math.max(mostHeld, pipeline.bodyBytesHeld());
            store.writeEverything(http);
        }
        http.send(TAIL);
        store.writeEverything(http);
        HttpHarness.Answer answer = http.answer();

        assertEquals(200, answer.status(), answer.body());
        assertArrayEquals(file, store.written.toByteArray());
        assertTrue(mostHeld <= UploadReceiver.CHUNK_BYTES + piece, "held at most " + mostHeld);
    }

    @Test
    void aConnectionCutMidBodyGivesTheFileUpAndTheBudgetBack() {
        http.send("POST /api/upload HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                + "Content-Length: " + (PART.length() + FILE + TAIL.length()) + "\r\nAuthorization: Bearer "
                + FakeCore.TOKEN + "\r\n\r\n" + PART);
        http.runTasks();
        http.send(new byte[200 * 1024]);
        assertTrue(pipeline.bodyBytesHeld() > 0);

        http.channel.close();
        store.writeEverything(http);

        assertTrue(store.aborted, "the file is given up on");
        assertEquals(0, pipeline.bodyBytesHeld());
    }

    private static byte[] slice(byte[] file, int from, int length) {
        byte[] piece = new byte[Math.min(length, file.length - from)];
        System.arraycopy(file, from, piece, 0, piece.length);
        return piece;
    }

    /** A store that writes a chunk only when the test says so. */
    private static final class SlowStore implements UploadsUseCase {
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        final Queue<Runnable> waiting = new ArrayDeque<>();
        boolean aborted;

        void writeEverything(HttpHarness http) {
            http.runTasks();
            for (int i = 0; i < 1000 && !waiting.isEmpty(); i++) {
                waiting.poll().run();
                http.runTasks();
            }
        }

        @Override
        public Outcome<IncomingFile> beginUpload(UserId uploader) {
            return Outcome.accepted(new IncomingFile() {
                @Override
                public CompletionStage<Void> open(String originalName) {
                    return CompletableFuture.completedFuture(null);
                }

                @Override
                public CompletionStage<Void> write(ByteBuffer chunk) {
                    CompletableFuture<Void> done = new CompletableFuture<>();
                    waiting.add(() -> {
                        byte[] bytes = new byte[chunk.remaining()];
                        chunk.get(bytes);
                        written.writeBytes(bytes);
                        done.complete(null);
                    });
                    return done;
                }

                @Override
                public CompletionStage<Outcome<StoredUpload>> finish() {
                    return CompletableFuture.completedFuture(Outcome.accepted(new StoredUpload("stored-big.bin", "big.bin")));
                }

                @Override
                public void abort() {
                    aborted = true;
                }
            });
        }

        @Override
        public CompletionStage<Outcome<StoredUpload>> upload(UserId uploader, String originalName, byte[] content) {
            throw new UnsupportedOperationException("streamed only");
        }

        @Override
        public long maxBytes() {
            return 8 * FILE;
        }

        @Override
        public CompletionStage<Optional<Blob>> download(String storedName) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
    }
}
