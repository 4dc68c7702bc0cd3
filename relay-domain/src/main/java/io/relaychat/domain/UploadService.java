package io.relaychat.domain;

import io.relaychat.ports.in.Attachments;
import io.relaychat.ports.in.UploadsUseCase;
import io.relaychat.ports.model.Blob;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.BlobStore;
import io.relaychat.ports.out.IdSource;
import io.relaychat.ports.out.TimeSource;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Uploads are stored under a generated name: an id plus the original extension when it is one we
 * know. The original name is never used as a path, and only generated names are ever looked up.
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

    UploadService(BlobStore blobs, IdSource ids, long maxBytes, Rate uploadRate, TimeSource time) {
        this.blobs = blobs;
        this.ids = ids;
        this.maxBytes = maxBytes;
        this.uploads = new RateLimiter<>(uploadRate, time);
    }

    @Override
    public CompletionStage<Outcome<StoredUpload>> upload(UserId uploader, String originalName, byte[] content) {
        if (content.length > maxBytes) {
            return CompletableFuture.completedFuture(Outcome.rejected(Refusal.fileTooLarge(maxBytes)));
        }
        Optional<Refusal> tooOften = uploads.tryAcquire(uploader);
        if (tooOften.isPresent()) {
            return CompletableFuture.completedFuture(Outcome.rejected(tooOften.get()));
        }
        String original = originalName == null || originalName.isBlank() ? "file" : originalName;
        String extension = extensionOf(original).filter(CONTENT_TYPES::containsKey).orElse(null);
        String storedName = extension == null ? ids.newId() : ids.newId() + "." + extension;
        String contentType = extension == null ? OCTET_STREAM : CONTENT_TYPES.get(extension);
        return blobs.put(storedName, new Blob(content, contentType))
                .thenApply(ignored -> Outcome.accepted(new StoredUpload(storedName, original)));
    }

    @Override
    public long maxBytes() {
        return maxBytes;
    }

    @Override
    public CompletionStage<Optional<Blob>> download(String storedName) {
        if (storedName == null || !Attachments.STORED_NAME.matcher(storedName).matches()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return blobs.get(storedName);
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
