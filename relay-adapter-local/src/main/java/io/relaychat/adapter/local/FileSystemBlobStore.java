package io.relaychat.adapter.local;

import io.relaychat.ports.model.Blob;
import io.relaychat.ports.model.StorageUnavailableException;
import io.relaychat.ports.out.BlobStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Uploads as files in one folder, each with a small sidecar holding its content type. File I/O blocks,
 * so it runs on a small pool of its own, never on the caller's thread; when its queue is full (or the store
 * closed) a call fails as "storage unavailable", for the client to retry, instead of throwing at the caller.
 * Names that would resolve outside the folder are refused.
 */
public final class FileSystemBlobStore implements BlobStore, AutoCloseable {
    private static final String TYPE_SUFFIX = ".content-type";

    private final Path folder;
    private final ExecutorService io;

    public FileSystemBlobStore(Path folder, int ioThreads) {
        try {
            this.folder = Files.createDirectories(folder).toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create upload folder " + folder, e);
        }
        AtomicInteger counter = new AtomicInteger();
        this.io = new ThreadPoolExecutor(ioThreads, ioThreads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(1000),
                task -> {
                    Thread thread = new Thread(task, "relay-blob-io-" + counter.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    public Path folder() {
        return folder;
    }

    @Override
    public CompletionStage<Void> put(String name, Blob blob) {
        return onIoPool(() -> {
            Path target = resolve(name);
            try {
                Path temporary = Files.createTempFile(folder, ".upload-", ".part");
                Files.write(temporary, blob.content());
                Files.writeString(sidecar(target), blob.contentType(), StandardCharsets.UTF_8);
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot store upload " + name, e);
            }
            return null;
        });
    }

    @Override
    public CompletionStage<Optional<Blob>> get(String name) {
        return onIoPool(() -> {
            Path source = resolve(name);
            try {
                byte[] content = Files.readAllBytes(source);
                String type = Files.readString(sidecar(source), StandardCharsets.UTF_8).strip();
                return Optional.of(new Blob(content, type));
            } catch (NoSuchFileException e) {
                return Optional.<Blob>empty();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read upload " + name, e);
            }
        });
    }

    private <T> CompletionStage<T> onIoPool(Supplier<T> work) {
        try {
            return CompletableFuture.supplyAsync(work, io);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new StorageUnavailableException(
                    io.isShutdown() ? "the upload folder is closed" : "the upload folder is busy", e));
        }
    }

    private Path resolve(String name) {
        Path path = folder.resolve(name).normalize();
        // An absolute or empty name resolves to a path without the folder as its parent (or without any).
        if (!folder.equals(path.getParent()) || name.startsWith(".") || name.endsWith(TYPE_SUFFIX)) {
            throw new IllegalArgumentException("not a blob name: " + name);
        }
        return path;
    }

    private static Path sidecar(Path blob) {
        return blob.resolveSibling(blob.getFileName() + TYPE_SUFFIX);
    }

    @Override
    public void close() {
        io.shutdown();
    }
}
