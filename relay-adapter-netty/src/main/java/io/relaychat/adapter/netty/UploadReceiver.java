package io.relaychat.adapter.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.relaychat.ports.in.UploadsUseCase.IncomingFile;
import io.relaychat.ports.in.UploadsUseCase.StoredUpload;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Refusal;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;

/**
 * One upload's body on its way to the core as it arrives: the multipart body read by {@link MultipartStream}, the
 * file's bytes gathered into chunks of {@link #CHUNK_BYTES} and written into the core's {@link IncomingFile} one
 * after another. What waits for the store is bounded: past {@link #HIGH_WATER_BYTES} the socket is not read until
 * it is back under {@link #LOW_WATER_BYTES} ({@link #behind()}), so a client sends no faster than the store
 * writes and no upload is ever whole in memory. A body the reader refuses (not a form, no file) is read on and
 * dropped; its refusal is the outcome. The file is finished only once the whole body has ended and parsed, so a
 * body cut short or malformed after its file leaves nothing stored. Event loop only, but for the core's
 * completions, which come back to it.
 */
final class UploadReceiver implements MultipartStream.Receiver {
    static final String FIELD = "file";
    static final int CHUNK_BYTES = 64 * 1024;
    static final int HIGH_WATER_BYTES = 256 * 1024;
    static final int LOW_WATER_BYTES = 64 * 1024;

    /** Told on the event loop whenever what the receiver holds, or whether it is behind, may have changed. */
    interface Listener {
        void changed(UploadReceiver receiver);
    }

    private final IncomingFile file;
    private final CompletableFuture<Outcome<StoredUpload>> outcome = new CompletableFuture<>();
    private final ArrayDeque<ByteBuffer> waiting = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private Listener listener;
    private MultipartStream body;
    private ByteBuffer filling;
    /** Bytes of the file handed over and not yet written by the store: waiting, and the one being written. */
    private long unwritten;
    private boolean opening;
    private boolean opened;
    private boolean writing;
    private int writingBytes;
    private boolean fileEnded;
    private boolean bodyEnded;
    private boolean finishing;
    private boolean over;
    private boolean behind;

    UploadReceiver(IncomingFile file) {
        this.file = file;
    }

    /** From the head on; a head that announces no form this reader can read is refused at once, its body dropped. */
    void start(ChannelHandlerContext ctx, HttpRequest head, Listener listener) {
        this.ctx = ctx;
        this.listener = listener;
        try {
            body = MultipartStream.of(head.headers(), FIELD, this);
        } catch (ApiException refused) {
            refuse(refused.refusal());
        }
    }

    void offer(ByteBuf bytes) {
        if (over || body == null) {
            return;
        }
        try {
            body.offer(bytes);
        } catch (ApiException refused) {
            refuse(refused.refusal());
        }
    }

    /** The body has ended. */
    void end() {
        bodyEnded = true;
        if (over || body == null) {
            return;
        }
        try {
            body.end();
        } catch (ApiException refused) {
            refuse(refused.refusal());
            return;
        }
        pump();
    }

    /** What the upload will be answered: stored, or refused; it completes after the body has ended. */
    CompletionStage<Outcome<StoredUpload>> outcome() {
        return outcome;
    }

    /** Bytes of the body this upload holds in memory now. */
    long held() {
        return unwritten + (filling == null ? 0 : filling.position()) + (body == null || over ? 0 : body.buffered());
    }

    /** Whether the socket should wait for the store. */
    boolean behind() {
        return behind;
    }

    /** The connection went away, or the body was refused: nothing of the file is kept. */
    void abort() {
        if (!over) {
            over = true;
            clear();
            file.abort();
            outcome.cancel(false);
        }
    }

    @Override
    public void fileStarts(String filename) {
        opening = true;
        file.open(filename).whenComplete((done, error) -> onLoop(() -> {
            opening = false;
            if (error != null) {
                fail(error);
            } else {
                opened = true;
                pump();
            }
        }));
    }

    @Override
    public void fileBytes(ByteBuf bytes) {
        while (bytes.isReadable()) {
            if (filling == null) {
                filling = ByteBuffer.allocate(CHUNK_BYTES);
            }
            int take = Math.min(bytes.readableBytes(), filling.remaining());
            bytes.readBytes(filling.array(), filling.position(), take);
            filling.position(filling.position() + take);
            if (!filling.hasRemaining()) {
                handOver();
            }
        }
        pump();
    }

    @Override
    public void fileEnds() {
        handOver();
        fileEnded = true;
        pump();
    }

    private void handOver() {
        if (filling != null && filling.position() > 0) {
            // An array of its own, of the exact size: stores may keep the buffer until it is written.
            ByteBuffer chunk = filling.hasRemaining()
                    ? ByteBuffer.wrap(Arrays.copyOf(filling.array(), filling.position())) : filling.flip();
            waiting.add(chunk);
            unwritten += chunk.remaining();
        }
        filling = null;
    }

    /** The next step the store can take: a chunk written, or, once everything is in, the file finished. */
    private void pump() {
        if (!over && opened && !writing) {
            ByteBuffer next = waiting.poll();
            if (next != null) {
                writing = true;
                writingBytes = next.remaining();
                file.write(next).whenComplete((done, error) -> onLoop(() -> written(error)));
            } else if (fileEnded && bodyEnded && !finishing) {
                finishing = true;
                file.finish().whenComplete((result, error) -> onLoop(() -> {
                    if (over) {
                        return;
                    }
                    over = true;
                    if (error != null) {
                        file.abort();
                        outcome.completeExceptionally(error);
                    } else {
                        outcome.complete(result);
                    }
                }));
            }
        }
        updateBehind();
    }

    private void written(Throwable error) {
        writing = false;
        unwritten -= writingBytes;
        writingBytes = 0;
        if (over) {
            updateBehind(); // what it held is free now
            return;
        }
        if (error != null) {
            fail(error);
            return;
        }
        pump();
    }

    private void updateBehind() {
        if (over) {
            behind = false;
        } else if (unwritten > HIGH_WATER_BYTES) {
            behind = true;
        } else if (unwritten < LOW_WATER_BYTES) {
            behind = false;
        }
        if (listener != null) {
            listener.changed(this);
        }
    }

    /** Refused for what the client sent: the rest of the body is dropped, and the refusal answered at its end. */
    private void refuse(Refusal refusal) {
        if (over) {
            return;
        }
        over = true;
        clear();
        file.abort();
        outcome.complete(Outcome.rejected(refusal));
        updateBehind();
    }

    /** The store failed: answered as the fault it is (503 for storage that cannot be reached). */
    private void fail(Throwable error) {
        if (over) {
            return;
        }
        over = true;
        clear();
        file.abort();
        outcome.completeExceptionally(error);
        updateBehind();
    }

    private void clear() {
        waiting.clear();
        filling = null;
        unwritten = writingBytes; // the chunk being written is the store's until it says so
    }

    private void onLoop(Runnable step) {
        try {
            ctx.executor().execute(step);
        } catch (RejectedExecutionException stopping) {
            abort(); // the server is stopping, and this upload with it
        }
    }

    /** The request handed on once its body has ended: no content of its own, the upload's outcome instead. */
    static final class Request extends DefaultFullHttpRequest {
        private final UploadReceiver upload;

        Request(HttpRequest head, HttpHeaders trailers, UploadReceiver upload) {
            super(head.protocolVersion(), head.method(), head.uri(), Unpooled.EMPTY_BUFFER, head.headers(), trailers);
            this.upload = upload;
        }

        UploadReceiver upload() {
            return upload;
        }
    }
}
