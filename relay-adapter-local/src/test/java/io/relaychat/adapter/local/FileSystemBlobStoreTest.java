package io.relaychat.adapter.local;

import io.relaychat.ports.model.Blob;
import io.relaychat.ports.model.StorageUnavailableException;
import io.relaychat.ports.out.BlobSink;
import io.relaychat.ports.out.BlobStore;
import io.relaychat.testkit.Await;
import io.relaychat.testkit.BlobStoreContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static io.relaychat.testkit.Await.failure;
import static io.relaychat.testkit.Await.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileSystemBlobStoreTest extends BlobStoreContract {
    @TempDir
    Path root;
    private FileSystemBlobStore blobs;

    @Override
    protected BlobStore newStore() {
        blobs = new FileSystemBlobStore(root.resolve("uploads"), 2);
        return blobs;
    }

    @AfterEach
    void closeStore() {
        blobs.close();
    }

    @Test
    void namesThatWouldLeaveTheFolderAreRefused() throws Exception {
        Files.writeString(root.resolve("secret.txt"), "secret");
        Files.writeString(root.resolve("secret.txt.content-type"), "text/plain");

        assertInstanceOf(IllegalArgumentException.class, failure(store.get("../secret.txt")));
        assertInstanceOf(IllegalArgumentException.class, failure(store.put("../escape.txt", new Blob(new byte[1], "x"))));
        assertFalse(Files.exists(root.resolve("escape.txt")));
    }

    @Test
    void absoluteAndEmptyNamesAreRefused() {
        assertInstanceOf(IllegalArgumentException.class, failure(store.get("/")));
        assertInstanceOf(IllegalArgumentException.class, failure(store.put("/", new Blob(new byte[1], "x"))));
        assertInstanceOf(IllegalArgumentException.class, failure(store.get(root.resolve("x.txt").toString())));
        assertInstanceOf(IllegalArgumentException.class, failure(store.get("")));
    }

    @Test
    void aCallThePoolCannotTakeFailsAsStorageUnavailableInsteadOfThrowing() {
        blobs.close();

        assertInstanceOf(StorageUnavailableException.class, failure(store.put("late.txt", new Blob(new byte[1], "x"))));
        assertInstanceOf(StorageUnavailableException.class, failure(store.get("late.txt")));
    }

    @Test
    void filesSurviveANewStoreOnTheSameFolder() {
        result(store.put("kept.txt", new Blob("kept".getBytes(), "text/plain; charset=utf-8")));
        blobs.close();

        FileSystemBlobStore reopened = new FileSystemBlobStore(root.resolve("uploads"), 1);
        try {
            assertTrue(result(reopened.get("kept.txt")).isPresent());
        } finally {
            reopened.close();
        }
    }

    @Test
    void aFileGivenUpOnLeavesNoTemporaryFileBehind() throws Exception {
        BlobSink sink = result(store.create("cut.bin", "application/octet-stream"));
        result(sink.write(ByteBuffer.wrap(new byte[256 * 1024])));
        assertEquals(1, filesIn(blobs.folder()), "the part written so far is on disk, not in memory");

        sink.abort();

        Await.until("the temporary file is deleted", () -> filesIn(blobs.folder()) == 0);
    }

    @Test
    void temporaryFilesOfUploadsCutOffByACrashAreDeletedWhenTheStoreStarts() throws Exception {
        BlobSink sink = result(store.create("crash.bin", "application/octet-stream"));
        result(sink.write(ByteBuffer.wrap(new byte[1024])));
        blobs.close(); // as if the process died: the sink is never finished nor given up on

        FileSystemBlobStore restarted = new FileSystemBlobStore(root.resolve("uploads"), 1);
        try {
            assertEquals(0, filesIn(restarted.folder()));
        } finally {
            restarted.close();
        }
    }

    private static long filesIn(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
