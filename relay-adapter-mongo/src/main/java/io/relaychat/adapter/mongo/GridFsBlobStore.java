package io.relaychat.adapter.mongo;

import com.mongodb.client.gridfs.model.GridFSFile;
import com.mongodb.client.gridfs.model.GridFSUploadOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.reactivestreams.client.gridfs.GridFSBucket;
import io.relaychat.ports.model.BlobReader;
import io.relaychat.ports.out.BlobSink;
import io.relaychat.ports.out.BlobStore;
import org.bson.Document;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Uploads in GridFS (bucket {@code uploads}), so that every node serving the same users serves the same
 * files; a local folder would only be seen by the node that took the upload. The content type is kept in
 * the file's metadata. Files go in and out through the driver's publishers, in chunks of {@link #CHUNK_BYTES}:
 * a file is visible only once its files document is written, after its last chunk, and the driver deletes the
 * chunks of an upload that fails or is given up on.
 */
final class GridFsBlobStore implements BlobStore {
    static final String BUCKET = "uploads";
    /** The GridFS chunk, and what one read of a download holds: the driver's default, stated. */
    static final int CHUNK_BYTES = 255 * 1024;

    private final GridFSBucket bucket;

    GridFsBlobStore(GridFSBucket bucket) {
        this.bucket = bucket;
    }

    @Override
    public CompletionStage<BlobSink> create(String name, String contentType) {
        GridFSUploadOptions options = new GridFSUploadOptions().chunkSizeBytes(CHUNK_BYTES)
                .metadata(new Document("contentType", contentType));
        ChunkFeed feed = new ChunkFeed();
        CompletableFuture<Void> stored = Reactive.done(bucket.uploadFromPublisher(name, feed, options));
        return CompletableFuture.completedFuture(new BlobSink() {
            @Override
            public CompletionStage<Void> write(ByteBuffer chunk) {
                return feed.offer(ownArray(chunk));
            }

            @Override
            public CompletionStage<Void> finish() {
                feed.end();
                return stored;
            }

            @Override
            public void abort() {
                feed.fail();
            }
        });
    }

    @Override
    public CompletionStage<Optional<BlobReader>> open(String name) {
        return Reactive.first(bucket.find(Filters.eq("filename", name)).first()).thenApply(file -> file.map(found -> {
            ChunkPull chunks = new ChunkPull();
            bucket.downloadToPublisher(found.getObjectId()).bufferSizeBytes(CHUNK_BYTES).subscribe(chunks);
            return new GridFsReader(found, chunks);
        }));
    }

    /**
     * The chunk in an array of its own: the driver reads a buffer's backing array from its start, so a slice of a
     * larger array (what {@link ByteBuffer#wrap(byte[], int, int)} gives) would be stored as the wrong bytes.
     */
    private static ByteBuffer ownArray(ByteBuffer chunk) {
        if (chunk.hasArray() && chunk.arrayOffset() == 0 && chunk.position() == 0 && chunk.limit() == chunk.capacity()) {
            return chunk;
        }
        ByteBuffer copy = ByteBuffer.allocate(chunk.remaining());
        copy.put(chunk).flip();
        return copy;
    }

    private static String contentTypeOf(GridFSFile file) {
        Document metadata = file.getMetadata();
        return metadata == null || metadata.getString("contentType") == null
                ? "application/octet-stream" : metadata.getString("contentType");
    }

    /**
     * The upload's source: the chunks the sink is given, each handed to the driver once it asks for one, and the
     * write of each done only then, so that the sink's writer goes at the driver's pace. Signals to the driver are
     * serialized by a work-in-progress count rather than a lock, so none is held while the driver runs.
     */
    private static final class ChunkFeed implements Publisher<ByteBuffer> {
        private final AtomicInteger wip = new AtomicInteger();
        private Subscriber<? super ByteBuffer> subscriber;
        private long demand;
        private ByteBuffer pending;
        private CompletableFuture<Void> pendingDone;
        private boolean ended;
        private boolean failed;
        private boolean cancelled;
        private boolean terminated;

        @Override
        public void subscribe(Subscriber<? super ByteBuffer> s) {
            synchronized (this) {
                if (subscriber != null) {
                    s.onSubscribe(new Subscription() {
                        @Override
                        public void request(long n) {
                        }

                        @Override
                        public void cancel() {
                        }
                    });
                    s.onError(new IllegalStateException("one subscriber only"));
                    return;
                }
                subscriber = s;
            }
            s.onSubscribe(new Subscription() {
                @Override
                public void request(long n) {
                    synchronized (ChunkFeed.this) {
                        if (n <= 0) {
                            failed = true; // rule 3.9
                        } else {
                            demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
                        }
                    }
                    drain();
                }

                @Override
                public void cancel() {
                    CompletableFuture<Void> waiting;
                    synchronized (ChunkFeed.this) {
                        cancelled = true;
                        waiting = pendingDone;
                        pending = null;
                        pendingDone = null;
                    }
                    if (waiting != null) {
                        waiting.completeExceptionally(new CancellationException("the upload was cancelled"));
                    }
                }
            });
            drain();
        }

        CompletionStage<Void> offer(ByteBuffer chunk) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            synchronized (this) {
                if (cancelled || failed || ended) {
                    return CompletableFuture.failedFuture(new CancellationException("the upload is over"));
                }
                pending = chunk;
                pendingDone = done;
            }
            drain();
            return done;
        }

        void end() {
            synchronized (this) {
                ended = true;
            }
            drain();
        }

        void fail() {
            CompletableFuture<Void> waiting;
            synchronized (this) {
                failed = true;
                waiting = pendingDone;
                pending = null;
                pendingDone = null;
            }
            if (waiting != null) {
                waiting.completeExceptionally(new CancellationException("the upload was given up on"));
            }
            drain();
        }

        private void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            do {
                while (true) {
                    Subscriber<? super ByteBuffer> to;
                    ByteBuffer next = null;
                    CompletableFuture<Void> done = null;
                    boolean complete = false;
                    boolean error = false;
                    synchronized (this) {
                        to = subscriber;
                        if (to == null || terminated || cancelled) {
                            break;
                        }
                        if (failed) {
                            terminated = error = true;
                        } else if (pending != null && demand > 0) {
                            next = pending;
                            done = pendingDone;
                            pending = null;
                            pendingDone = null;
                            demand--;
                        } else if (pending == null && ended) {
                            terminated = complete = true;
                        } else {
                            break;
                        }
                    }
                    if (error) {
                        to.onError(new CancellationException("the upload was given up on"));
                    } else if (complete) {
                        to.onComplete();
                    } else {
                        to.onNext(next);
                        done.complete(null);
                    }
                }
            } while (wip.decrementAndGet() != 0);
        }
    }

    /** The download's chunks, one asked of the driver per read. */
    private static final class ChunkPull implements Subscriber<ByteBuffer> {
        private Subscription subscription;
        private CompletableFuture<ByteBuffer> waiting;
        private boolean done;
        private Throwable failure;
        private boolean closed;

        @Override
        public void onSubscribe(Subscription s) {
            boolean close;
            CompletableFuture<ByteBuffer> asked;
            synchronized (this) {
                subscription = s;
                close = closed;
                asked = waiting;
            }
            if (close) {
                s.cancel();
            } else if (asked != null) {
                s.request(1);
            }
        }

        CompletionStage<ByteBuffer> next() {
            CompletableFuture<ByteBuffer> asked = new CompletableFuture<>();
            Subscription s;
            synchronized (this) {
                if (failure != null) {
                    return CompletableFuture.failedFuture(failure);
                }
                if (done) {
                    return CompletableFuture.completedFuture(ByteBuffer.allocate(0));
                }
                waiting = asked;
                s = subscription;
            }
            if (s != null) {
                s.request(1);
            }
            return asked;
        }

        @Override
        public void onNext(ByteBuffer chunk) {
            take().complete(chunk);
        }

        @Override
        public void onError(Throwable error) {
            Throwable translated = MongoFailures.translate(error);
            synchronized (this) {
                failure = translated;
            }
            CompletableFuture<ByteBuffer> asked = take();
            if (asked != null) {
                asked.completeExceptionally(translated);
            }
        }

        @Override
        public void onComplete() {
            synchronized (this) {
                done = true;
            }
            CompletableFuture<ByteBuffer> asked = take();
            if (asked != null) {
                asked.complete(ByteBuffer.allocate(0));
            }
        }

        private synchronized CompletableFuture<ByteBuffer> take() {
            CompletableFuture<ByteBuffer> asked = waiting;
            waiting = null;
            return asked;
        }

        void close() {
            Subscription s;
            synchronized (this) {
                closed = true;
                done = true;
                s = subscription;
            }
            if (s != null) {
                s.cancel();
            }
        }
    }

    private static final class GridFsReader implements BlobReader {
        private final GridFSFile file;
        private final ChunkPull chunks;

        GridFsReader(GridFSFile file, ChunkPull chunks) {
            this.file = file;
            this.chunks = chunks;
        }

        @Override
        public long size() {
            return file.getLength();
        }

        @Override
        public String contentType() {
            return contentTypeOf(file);
        }

        @Override
        public CompletionStage<ByteBuffer> read() {
            return chunks.next();
        }

        @Override
        public void close() {
            chunks.close();
        }
    }
}
