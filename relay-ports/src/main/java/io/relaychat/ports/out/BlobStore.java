package io.relaychat.ports.out;

import io.relaychat.ports.model.Blob;
import io.relaychat.ports.model.BlobReader;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Uploaded files by the names the core generated for them, written and read in bounded chunks so that no file is
 * ever whole in memory ({@link BlobSink}, {@link BlobReader}). {@link #put} and {@link #get} are for callers that
 * hold a whole file anyway (embedders, tests): they go through the same chunks.
 */
public interface BlobStore {
    /** A sink for a new file under {@code name}; the file exists once the sink has finished. */
    CompletionStage<BlobSink> create(String name, String contentType);

    /** A reader of the file under {@code name}; empty when there is none. */
    CompletionStage<Optional<BlobReader>> open(String name);

    /** Stores a whole file at once, through a sink. */
    default CompletionStage<Void> put(String name, Blob blob) {
        return create(name, blob.contentType()).thenCompose(sink -> sink.write(ByteBuffer.wrap(blob.content()))
                .thenCompose(written -> sink.finish())
                .whenComplete((done, error) -> {
                    if (error != null) {
                        sink.abort();
                    }
                }));
    }

    /** Reads a whole file at once, through a reader. */
    default CompletionStage<Optional<Blob>> get(String name) {
        return open(name).thenCompose(found -> {
            if (found.isEmpty()) {
                return CompletableFuture.completedFuture(Optional.<Blob>empty());
            }
            BlobReader reader = found.get();
            ByteArrayOutputStream content = new ByteArrayOutputStream((int) Math.min(reader.size(), Integer.MAX_VALUE - 8));
            return readAll(reader, content)
                    .thenApply(done -> Optional.of(new Blob(content.toByteArray(), reader.contentType())))
                    .whenComplete((blob, error) -> reader.close());
        });
    }

    private static CompletionStage<Void> readAll(BlobReader reader, ByteArrayOutputStream into) {
        return reader.read().thenCompose(chunk -> {
            if (!chunk.hasRemaining()) {
                return CompletableFuture.completedFuture(null);
            }
            byte[] bytes = new byte[chunk.remaining()];
            chunk.get(bytes);
            into.writeBytes(bytes);
            return readAll(reader, into);
        });
    }
}
