package io.relaychat.ports.out;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

/**
 * A file being written into a {@link BlobStore}, chunk by chunk, with backpressure: the next chunk may be
 * written only once the stage of the one before has completed, so a writer never gets ahead of the store. Nothing
 * is visible under the file's name until {@link #finish()} has completed; a sink given up on ({@link #abort()}) or
 * failed leaves nothing behind.
 */
public interface BlobSink {
    /** The next bytes, which the sink owns from now on; completes once it can take more. */
    CompletionStage<Void> write(ByteBuffer chunk);

    /** No more bytes: completes once the whole file is stored under its name. */
    CompletionStage<Void> finish();

    /** Gives up on the file: nothing of it is kept. Safe at any time, more than once, and after a failure. */
    void abort();
}
