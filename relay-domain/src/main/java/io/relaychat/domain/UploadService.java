package io.relaychat.domain;

import io.relaychat.ports.in.Attachments;
import io.relaychat.ports.in.UploadsUseCase;
import io.relaychat.ports.model.Blob;
import io.relaychat.ports.model.BlobReader;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.BlobSink;
import io.relaychat.ports.out.BlobStore;
import io.relaychat.ports.out.IdSource;
import io.relaychat.ports.out.RelayMetrics;
import io.relaychat.ports.out.TimeSource;

import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Uploads are stored under a generated name: an id plus the original extension when it is one we
 * know. The original name is never used as a path, and only generated names are ever looked up. An upload is
 * admitted, and its rate spent, before any of it is read; its size is counted as it streams to the store.
 */
final class UploadService implements UploadsUseCase {
    private static final String OCTET_STREAM = "application/octet-stream";

    /** Extensions kept on stored names, with the type they are served as. Anything else is served as bytes. */
    private static final Map<String, String> CONTENT_TYPES = Map.ofEntries(
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("bmp", "image/bmp"),
            Map.entry("pdf", "application/pdf"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("csv", "text/csv; charset=utf-8"),
            Map.entry("md", "text/markdown; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("zip", "application/zip"),
            Map.entry("mp3", "audio/mpeg"),
            Map.entry("wav", "audio/wav"),
            Map.entry("ogg", "audio/ogg"),
            Map.entry("mp4", "video/mp4"),
            Map.entry("webm", "video/webm"),
            Map.entry("doc", "application/msword"),
            Map.entry("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            Map.entry("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            Map.entry("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"));

    private final BlobStore blobs;
    private final IdSource ids;
    private final long maxBytes;
    private final RateLimiter<UserId> uploads;

    UploadService(BlobStore blobs, IdSource ids, long maxBytes, Rate uploadRate, TimeSource time, RelayMetrics metrics) {
        this.blobs = blobs;
        this.ids = ids;
        this.maxBytes = maxBytes;
        this.uploads = new RateLimiter<>(uploadRate, time, () -> metrics.rateLimited(RelayMetrics.Limited.UPLOAD));
    }

    /** A whole file: its size is known, so it is checked first; then the rate, then it goes to the store. */
    @Override
    public CompletionStage<Outcome<StoredUpload>> upload(UserId uploader, String originalName, byte[] content) {
        if (content.length > maxBytes) {
            return CompletableFuture.completedFuture(Outcome.rejected(Refusal.fileTooLarge(maxBytes)));
        }
        Outcome<IncomingFile> admitted = beginUpload(uploader);
        if (admitted instanceof Outcome.Rejected<IncomingFile> refused) {
            return CompletableFuture.completedFuture(refused.cast());
        }
        IncomingFile file = ((Outcome.Accepted<IncomingFile>) admitted).value();
        return file.open(originalName)
                .thenCompose(opened -> file.write(ByteBuffer.wrap(content)))
                .thenCompose(written -> file.finish())
                .whenComplete((outcome, error) -> {
                    if (error != null) {
                        file.abort();
                    }
                });
    }

    /** The rate is spent here, before the transport reads a byte of the body. */
    @Override
    public Outcome<IncomingFile> beginUpload(UserId uploader) {
        Optional<Refusal> tooOften = uploads.tryAcquire(uploader);
        if (tooOften.isPresent()) {
            return Outcome.rejected(tooOften.get());
        }
        return Outcome.accepted(new StreamedFile());
    }

    @Override
    public long maxBytes() {
        return maxBytes;
    }

    @Override
    public CompletionStage<Optional<Blob>> download(String storedName) {
        if (!isGeneratedName(storedName)) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return blobs.get(storedName);
    }

    @Override
    public CompletionStage<Optional<BlobReader>> openDownload(String storedName) {
        if (!isGeneratedName(storedName)) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return blobs.open(storedName);
    }

    private static boolean isGeneratedName(String storedName) {
        return storedName != null && Attachments.STORED_NAME.matcher(storedName).matches();
    }

    /**
     * One file on its way to the store under its generated name, counted as it comes: past the limit the store's
     * sink is given up on at once, so nothing of it stays, and the rest is ignored until {@link #finish} refuses it.
     * The transport calls it one step at a time (each after the stage of the one before), so it needs no lock.
     */
    private final class StreamedFile implements IncomingFile {
        private String storedName;
        private String originalName;
        private BlobSink sink;
        private long received;
        private boolean tooLarge;
        private volatile boolean aborted;

        @Override
        public CompletionStage<Void> open(String name) {
            originalName = name == null || name.isBlank() ? "file" : name;
            String extension = extensionOf(originalName).filter(CONTENT_TYPES::containsKey).orElse(null);
            storedName = extension == null ? ids.newId() : ids.newId() + "." + extension;
            String contentType = extension == null ? OCTET_STREAM : CONTENT_TYPES.get(extension);
            return blobs.create(storedName, contentType).thenAccept(created -> {
                synchronized (this) {
                    sink = created;
                    if (aborted) {
                        created.abort();
                    }
                }
            });
        }

        @Override
        public CompletionStage<Void> write(ByteBuffer chunk) {
            received += chunk.remaining();
            if (tooLarge || aborted) {
                return CompletableFuture.completedFuture(null);
            }
            if (received > maxBytes) {
                tooLarge = true;
                sink.abort();
                return CompletableFuture.completedFuture(null);
            }
            return sink.write(chunk);
        }

        @Override
        public CompletionStage<Outcome<StoredUpload>> finish() {
            if (tooLarge) {
                return CompletableFuture.completedFuture(Outcome.rejected(Refusal.fileTooLarge(maxBytes)));
            }
            return sink.finish().thenApply(stored -> Outcome.accepted(new StoredUpload(storedName, originalName)));
        }

        @Override
        public void abort() {
            BlobSink opened;
            synchronized (this) {
                aborted = true;
                opened = sink;
            }
            if (opened != null) {
                opened.abort();
            }
        }
    }

    private static Optional<String> extensionOf(String name) {
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        String base = name.substring(slash + 1);
        int dot = base.lastIndexOf('.');
        if (dot <= 0 || dot == base.length() - 1) {
            return Optional.empty();
        }
        return Optional.of(base.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
