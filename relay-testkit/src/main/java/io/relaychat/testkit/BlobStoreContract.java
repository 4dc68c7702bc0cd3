package io.relaychat.testkit;

import io.relaychat.ports.model.Blob;
import io.relaychat.ports.out.BlobStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.relaychat.testkit.Await.result;
import static io.relaychat.testkit.Fixtures.newId;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link BlobStore} must do: the bytes stored under a name come back exactly, with their content
 * type, also for a large or an empty file; an unknown name is not found. Extend it with a fresh, empty
 * store per test.
 */
public abstract class BlobStoreContract {
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
}
