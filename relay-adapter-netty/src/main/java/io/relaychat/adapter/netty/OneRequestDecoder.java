package io.relaychat.adapter.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;

import java.util.List;

/**
 * Decodes HTTP requests one at a time. Once a request is whole, whatever follows it (requests pipelined behind
 * it) stays undecoded bytes until {@link #next()}: answers then go out in request order, and a client sending
 * requests without reading answers costs only the bytes of one read, not a queue of decoded requests. A body
 * can also be held back mid-request ({@link #hold()}) while a check decides whether it may be read. Both are
 * {@link HttpExchanges}' to say, as is whether the socket is read at all.
 * <p>
 * Extends Netty's request decoder, so the WebSocket handshake finds and replaces it as it would Netty's own.
 */
final class OneRequestDecoder extends HttpRequestDecoder {
    private final Runnable onBytes;
    private ChannelHandlerContext ctx;
    private boolean waitingForNext;
    private boolean held;
    private HttpMethod method;

    /** {@code onBytes} is told of every arrival of request bytes, before they are decoded. */
    OneRequestDecoder(Runnable onBytes) {
        super(new HttpDecoderConfig());
        this.onBytes = onBytes;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        super.handlerAdded(ctx);
    }

    /** The method of the request being answered: the answer to a HEAD carries no body. */
    HttpMethod method() {
        return method;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
        if (buffer.isReadable()) {
            onBytes.run();
        }
        if (waitingForNext || held) {
            return;
        }
        int before = out.size();
        super.decode(ctx, buffer, out);
        for (int i = before; i < out.size(); i++) {
            Object decoded = out.get(i);
            if (decoded instanceof HttpRequest request) {
                method = request.method();
            }
            if (decoded instanceof LastHttpContent
                    || decoded instanceof HttpMessage message && message.decoderResult().isFailure()) {
                waitingForNext = true;
            }
        }
    }

    /** Lets the next request in; it may be decoded (and passed on) before this returns. Event loop only. */
    void next() {
        waitingForNext = false;
        decodeBuffered();
    }

    /** Stops decoding the current request's body until {@link #release()}. */
    void hold() {
        held = true;
    }

    void release() {
        held = false;
        decodeBuffered();
    }

    /**
     * Decodes what was read while decoding waited: an empty read makes the decoder go through its buffer
     * again. Never called from inside a decode (callers run it as a task of their own), so it cannot re-enter.
     */
    private void decodeBuffered() {
        if (ctx == null || ctx.isRemoved() || actualReadableBytes() == 0) {
            return;
        }
        try {
            channelRead(ctx, Unpooled.EMPTY_BUFFER);
        } catch (Exception e) {
            ctx.fireExceptionCaught(e);
        }
    }
}
