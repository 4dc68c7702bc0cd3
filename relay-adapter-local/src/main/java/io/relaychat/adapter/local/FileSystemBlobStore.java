package io.relaychat.adapter.local;

import io.relaychat.ports.model.BlobReader;
import io.relaychat.ports.model.StorageUnavailableException;
import io.relaychat.ports.out.BlobSink;
import io.relaychat.ports.out.BlobStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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
import java.util.stream.Stream;

/**
 * Uploads as files in one folder, each with a small sidecar holding its content type, written and read a chunk
 * at a time. File I/O blocks, so it runs on a small pool of its own, never on the caller's thread; when its queue
 * is full (or the store closed) a call fails as "storage unavailable", for the client to retry, instead of
 * throwing at the caller. So does a file the disk cannot take (full, read-only, failing): the client is told the
 * storage is unavailable, not that the server broke, and nothing of the file is left behind. Names that would
 * resolve outside the folder are refused.
 */
public final class FileSystemBlobStore implements BlobStore, AutoCloseable {
    private static final String TYPE_SUFFIX = ".content-type";
    private static final String TEMPORARY_PREFIX = ".upload-";
    private static final String TEMPORARY_SUFFIX = ".part";
    /** What one read of a file holds in memory on its way out. */
    static final int READ_CHUNK_BYTES = 64 * 1024;

    private final Path folder;
    private final ExecutorService io;

    public FileSystemBlobStore(Path folder, int ioThreads) {
        try {
            this.folder = Files.createDirectories(folder).toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create upload folder " + folder, e);
        }
        deleteLeftovers();
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

    /**
     * The names of the files stored, in no particular order, read from the folder as the stream is consumed (close
     * it). Blocks on the folder: for a command that copies the uploads elsewhere, not for a server's requests.
     */
    public Stream<String> names() {
        try {
            return Files.list(folder)
                    .filter(path -> Files.isRegularFile(path))
                    .map(path -> path.getFileName().toString())
                    .filter(name -> !name.startsWith(".") && !name.endsWith(TYPE_SUFFIX));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list upload folder " + folder, e);
        }
    }

    /**
     * Writes into a temporary file of the same folder, moved into place under its name only once whole: a move
     * within one folder is atomic, so a reader sees the whole file or none, and an upload that fails or is given
     * up on leaves nothing but a temporary file, which it deletes.
     */
    @Override
    public CompletionStage<BlobSink> create(String name, String contentType) {
        return onIoPool(() -> {
            Path target = resolve(name);
            Path temporary = null;
            try {
                temporary = Files.createTempFile(folder, TEMPORARY_PREFIX, TEMPORARY_SUFFIX);
                return new FileSink(target, temporary, contentType);
            } catch (IOException e) {
                if (temporary != null) {
                    deleteQuietly(temporary);
                }
                throw cannotStore(name, e);
            }
        });
    }

    @Override
    public CompletionStage<Optional<BlobReader>> open(String name) {
        return onIoPool(() -> {
            Path source = resolve(name);
            FileChannel channel;
            try {
                channel = FileChannel.open(source, StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                return Optional.<BlobReader>empty();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read upload " + name, e);
            }
            try {
                String type = Files.readString(sidecar(source), StandardCharsets.UTF_8).strip();
                return Optional.<BlobReader>of(new FileReader(channel, channel.size(), type));
            } catch (IOException e) {
                closeQuietly(channel);
                throw new UncheckedIOException("cannot read upload " + name, e);
            }
        });
    }

    /** One file being written; its steps run on the pool one after another, abort possibly beside them. */
    private final class FileSink implements BlobSink {
        private final Path target;
        private final Path temporary;
        private final String contentType;
        private final FileChannel channel;
        /** Set once the file is in place, or given up on: from then on, nothing more happens to it. */
        private boolean settled;

        FileSink(Path target, Path temporary, String contentType) throws IOException {
            this.target = target;
            this.temporary = temporary;
            this.contentType = contentType;
            this.channel = FileChannel.open(temporary, StandardOpenOption.WRITE);
        }

        @Override
        public CompletionStage<Void> write(ByteBuffer chunk) {
            return onIoPool(() -> {
                try {
                    while (chunk.hasRemaining()) {
                        channel.write(chunk);
                    }
                } catch (IOException e) {
                    discard();
                    throw cannotStore(target.getFileName().toString(), e);
                }
                return null;
            });
        }

        @Override
        public CompletionStage<Void> finish() {
            return onIoPool(() -> {
                synchronized (this) {
                    if (settled) {
                        throw new IllegalStateException("upload " + target.getFileName() + " was given up on");
                    }
                    try {
                        channel.close();
                        Files.writeString(sidecar(target), contentType, StandardCharsets.UTF_8);
                        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
                        settled = true;
                    } catch (IOException e) {
                        discard();
                        deleteQuietly(sidecar(target));
                        throw cannotStore(target.getFileName().toString(), e);
                    }
                }
                return null;
            });
        }

        @Override
        public void abort() {
            // Deleting is file I/O: on the pool, unless the pool is gone (the store closed), when it is done here.
            try {
                io.execute(this::discard);
            } catch (RejectedExecutionException closed) {
                discard();
            }
        }

        private synchronized void discard() {
            if (settled) {
                return;
            }
            settled = true;
            closeQuietly(channel);
            deleteQuietly(temporary);
        }
    }

    /** One file being read, a chunk per read, on the pool. */
    private final class FileReader implements BlobReader {
        private final FileChannel channel;
        private final long size;
        private final String contentType;
        private long position;

        FileReader(FileChannel channel, long size, String contentType) {
            this.channel = channel;
            this.size = size;
            this.contentType = contentType;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public String contentType() {
            return contentType;
        }

        @Override
        public CompletionStage<ByteBuffer> read() {
            return onIoPool(() -> {
                ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(READ_CHUNK_BYTES, Math.max(0, size - position)));
                try {
                    while (chunk.hasRemaining()) {
                        int read = channel.read(chunk, position);
                        if (read < 0) {
                            break; // shorter than it was when opened: what there is
                        }
                        position += read;
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read upload", e);
                }
                return chunk.flip();
            });
        }

        @Override
        public void close() {
            closeQuietly(channel); // closing a file channel does not wait on the disk
        }
    }

    /** Temporary files of uploads cut off by a crash: nobody will finish them. */
    private void deleteLeftovers() {
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(folder, TEMPORARY_PREFIX + "*" + TEMPORARY_SUFFIX)) {
            leftovers.forEach(FileSystemBlobStore::deleteQuietly);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list upload folder " + folder, e);
        }
    }

    /**
     * A file the folder cannot take now: the disk full, the folder read-only or failing. Not the request's fault nor
     * a bug, and over once space is made: storage unavailable, for the client to retry.
     */
    private static StorageUnavailableException cannotStore(String name, IOException e) {
        return new StorageUnavailableException("cannot store upload " + name + ": " + e, e);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing was being written through it any more
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // a file that cannot be deleted now is a leftover the next start deletes
        }
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
