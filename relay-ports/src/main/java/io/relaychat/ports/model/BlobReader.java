package io.relaychat.ports.model;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

/**
 * A stored file being read: its size and content type up front, then its bytes a bounded chunk at a time, as
 * the reader asks for them, so that a file is never whole in memory on its way out. Close it when done, read to
 * the end or not.
 */
public interface BlobReader extends AutoCloseable {
    long size();

    String contentType();

    /** The next chunk (never larger than the store's chunk size); an empty one at the end. One read at a time. */
    CompletionStage<ByteBuffer> read();

    /** Lets go of what the reader holds; safe to call more than once, and while a read is under way. */
    @Override
    void close();
}
