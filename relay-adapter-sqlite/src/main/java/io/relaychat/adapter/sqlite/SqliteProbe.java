package io.relaychat.adapter.sqlite;

import io.relaychat.ports.model.StorageUnavailableException;
import io.relaychat.ports.out.DependencyProbe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Readiness of the SQLite store: whether it can take writes now. While the writer commits, a read on a reader's
 * connection (the file opens and answers). Once a batch failed and no commit succeeded since (a full disk, a folder
 * gone read-only), a read would still answer, since reads need no space, and the node would look ready while every
 * send fails; so then the probe asks the disk and the writer. The free space of the data folder's disk first: a
 * write of one page may well commit in what the failed batches left allocated in the write-ahead log while the next
 * real batch fails again, so below {@link #RESUME_FREE_BYTES} the store is not ready. Then a write through the writer,
 * a row of {@code schema_version} rewritten as it is, which the writer commits only once its folder takes a new file
 * again ({@link WriteQueue#beforeResuming}): it fails while the folder cannot be written, and once it commits the
 * outage is over, without waiting for a client to write (which a node out of the load balancer's rotation would
 * never get). The words of a failure name no folder: readiness is answered to anyone.
 */
final class SqliteProbe implements DependencyProbe {
    /**
     * Free space the data folder's disk must have again before a store whose writes failed is ready: a few of the
     * largest batches (256 writes of long messages, with their index pages, in the write-ahead log).
     */
    static final long RESUME_FREE_BYTES = 4L * 1024 * 1024;

    private final Path directory;
    private final WriteQueue writer;
    private final ReadPool readers;

    SqliteProbe(Path directory, WriteQueue writer, ReadPool readers) {
        this.directory = directory;
        this.writer = writer;
        this.readers = readers;
    }

    @Override
    public CompletionStage<Void> ping() {
        StorageUnavailableException outage = writer.outage();
        if (outage == null) {
            return readers.submit("ping", connection -> {
                try (Statement sql = connection.createStatement()) {
                    sql.execute("SELECT 1 FROM schema_version LIMIT 1");
                }
                return null;
            });
        }
        return readers.submit("free space", connection -> freeBytes()).thenCompose(free -> free < RESUME_FREE_BYTES
                ? CompletableFuture.failedFuture(new StorageUnavailableException("SQLite store cannot write: its disk has "
                        + free + " bytes free, " + RESUME_FREE_BYTES + " needed to resume; " + outage.getMessage()))
                : writer.<Void>submit("readiness write", connection -> {
                    try (Statement sql = connection.createStatement()) {
                        sql.executeUpdate("UPDATE schema_version SET version = version");
                    }
                    return null;
                }));
    }

    /** Blocks on the file system (a statfs), so it runs on a reader, never on the caller. */
    private long freeBytes() {
        try {
            return Files.getFileStore(directory).getUsableSpace();
        } catch (IOException e) {
            throw new StorageUnavailableException("SQLite store cannot tell its disk's free space: "
                    + e.getClass().getSimpleName(), e);
        }
    }
}
