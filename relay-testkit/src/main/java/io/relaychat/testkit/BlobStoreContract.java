package io.relaychat.testkit;

import io.relaychat.ports.model.Blob;
import io.relaychat.ports.model.BlobReader;
import io.relaychat.ports.out.BlobSink;
import io.relaychat.ports.out.BlobStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Random;

import static io.relaychat.testkit.Await.result;
import static io.relaychat.testkit.Fixtures.newId;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link BlobStore} must do: the bytes stored under a name come back exactly, with their content
 * type, also for a large or an empty file; a file written in chunks is not there until it is finished, and one
 * given up on is never there; a file is read back in bounded chunks; an unknown name is not found. Extend it with
 * a fresh, empty store per test.
 */
public abstract class BlobStoreContract {
    /** What a transport hands a sink at a time. */
    protected static final int WRITE_CHUNK = 64 * 1024;
    /** The most a store may hold in one chunk of a read: a GridFS chunk, with room. */
    protected static final int MAX_READ_CHUNK = 256 * 1024;

    protected BlobStore store;

    protected abstract BlobStore newStore();

    @BeforeEach
    void createStore() {
        store = newStore();
    }

    @Test
    void storedBytesComeBackExactlyWithTheirContentType() {
        byte[] content = new byte[3 * 1024 * 1024 + 7];
        new Random(42).nextBytes(content);
        String name = newId() + ".png";

        result(store.put(name, new Blob(content, "image/png")));
        Blob read = result(store.get(name)).orElseThrow();

        assertArrayEquals(content, read.content());
        assertEquals("image/png", read.contentType());
    }

    @Test
    void anEmptyFileIsStoredToo() {
        String name = newId();
        result(store.put(name, new Blob(new byte[0], "application/octet-stream")));

        assertEquals(0, result(store.get(name)).orElseThrow().content().length);
    }

    @Test
    void anUnknownNameIsNotFound() {
        assertTrue(result(store.get(newId() + ".txt")).isEmpty());
    }

    @Test
    void aFileStreamedInChunksIsThereOnlyOnceFinishedAndIsReadBackInBoundedChunks() {
        Random random = new Random(7);
        byte[] content = new byte[5 * 1024 * 1024 + 123];
        random.nextBytes(content);
        String name = newId() + ".bin";

        BlobSink sink = result(store.create(name, "application/octet-stream"));
        for (int at = 0; at < content.length; at += WRITE_CHUNK) {
            result(sink.write(ByteBuffer.wrap(content, at, Math.min(WRITE_CHUNK, content.length - at)).slice()));
        }
        assertTrue(result(store.get(name)).isEmpty(), "not there before it is finished");
        result(sink.finish());

        BlobReader reader = result(store.open(name)).orElseThrow();
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        int largest = 0;
        for (int reads = 0; reads < 10_000; reads++) {
            ByteBuffer chunk = result(reader.read());
            if (!chunk.hasRemaining()) {
                break;
            }
            largest = Math.max(largest, chunk.remaining());
            byte[] bytes = new byte[chunk.remaining()];
            chunk.get(bytes);
            read.writeBytes(bytes);
        }
        reader.close();

        assertEquals(content.length, reader.size());
        assertEquals("application/octet-stream", reader.contentType());
        assertArrayEquals(content, read.toByteArray());
        assertTrue(largest <= MAX_READ_CHUNK, "each read holds a bounded chunk, not the file: " + largest);
    }

    @Test
    void aFileGivenUpOnHalfWayLeavesNothingUnderItsName() {
        String name = newId() + ".bin";
        BlobSink sink = result(store.create(name, "application/octet-stream"));
        result(sink.write(ByteBuffer.wrap(new byte[3 * WRITE_CHUNK])));

        sink.abort();
        sink.abort();

        assertTrue(result(store.get(name)).isEmpty());
        assertTrue(result(store.open(name)).isEmpty());
    }

    @Test
    void aReaderClosedBeforeTheEndLetsGoWithoutError() {
        String name = newId() + ".bin";
        result(store.put(name, new Blob(new byte[2 * MAX_READ_CHUNK], "application/octet-stream")));

        BlobReader reader = result(store.open(name)).orElseThrow();
        assertTrue(result(reader.read()).hasRemaining());
        reader.close();
        reader.close();

        assertEquals(2 * MAX_READ_CHUNK, result(store.get(name)).orElseThrow().content().length, "the file is still there");
    }
}
