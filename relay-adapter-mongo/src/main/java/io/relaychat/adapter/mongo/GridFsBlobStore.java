package io.relaychat.adapter.mongo;

import com.mongodb.client.gridfs.model.GridFSUploadOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.reactivestreams.client.gridfs.GridFSBucket;
import io.relaychat.ports.model.Blob;
import io.relaychat.ports.out.BlobStore;
import org.bson.Document;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Uploads in GridFS (bucket {@code uploads}), so that every node serving the same users serves the same
 * files; a local folder would only be seen by the node that took the upload. The content type is kept in
 * the file's metadata.
 */
final class GridFsBlobStore implements BlobStore {
    static final String BUCKET = "uploads";

    private final GridFSBucket bucket;

    GridFsBlobStore(GridFSBucket bucket) {
        this.bucket = bucket;
    }

    @Override
    public CompletionStage<Void> put(String name, Blob blob) {
        GridFSUploadOptions options = new GridFSUploadOptions().metadata(new Document("contentType", blob.contentType()));
        return Reactive.done(bucket.uploadFromPublisher(name, single(ByteBuffer.wrap(blob.content())), options));
    }

    @Override
    public CompletionStage<Optional<Blob>> get(String name) {
        return Reactive.first(bucket.find(Filters.eq("filename", name)).first()).thenCompose(file -> {
            if (file.isEmpty()) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            Document metadata = file.get().getMetadata();
            String contentType = metadata == null || metadata.getString("contentType") == null
                    ? "application/octet-stream" : metadata.getString("contentType");
            return Reactive.all(bucket.downloadToPublisher(name)).thenApply(chunks -> {
                ByteArrayOutputStream content = new ByteArrayOutputStream((int) file.get().getLength());
                for (ByteBuffer chunk : chunks) {
                    byte[] bytes = new byte[chunk.remaining()];
                    chunk.get(bytes);
                    content.writeBytes(bytes);
                }
                return Optional.of(new Blob(content.toByteArray(), contentType));
            });
        });
    }

    /** A publisher of one buffer, honouring demand and cancellation as Reactive Streams requires. */
    private static Publisher<ByteBuffer> single(ByteBuffer buffer) {
        return subscriber -> subscriber.onSubscribe(new Subscription() {
            private final AtomicBoolean done = new AtomicBoolean();

            @Override
            public void request(long n) {
                if (n <= 0) {
                    if (done.compareAndSet(false, true)) {
                        subscriber.onError(new IllegalArgumentException("demand must be positive (rule 3.9)"));
                    }
                } else if (done.compareAndSet(false, true)) {
                    subscriber.onNext(buffer);
                    subscriber.onComplete();
                }
            }

            @Override
            public void cancel() {
                done.set(true);
            }
        });
    }
}
