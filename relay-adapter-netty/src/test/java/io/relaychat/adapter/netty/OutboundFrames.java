package io.relaychat.adapter.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

import java.util.ArrayList;
import java.util.List;

/**
 * What a session wrote, read back as frames, as a client would: the text frames it wrote as shared bytes
 * ({@link SharedTextFrames}) are parsed from those bytes, however the socket cut them, and the bytes are released;
 * other frames come as they are.
 */
final class OutboundFrames {
    private final ByteBuf pending = Unpooled.buffer();

    /** One write, whole: a frame object, or the bytes of exactly one text frame. */
    static WebSocketFrame asFrame(Object written) {
        OutboundFrames reader = new OutboundFrames();
        List<WebSocketFrame> frames = reader.add(written);
        if (frames.size() != 1 || reader.pending.isReadable()) {
            throw new AssertionError("not exactly one frame: " + frames.size() + " and " + reader.pending.readableBytes()
                    + " bytes more");
        }
        return frames.get(0);
    }

    /** The frames complete once {@code written} (a frame, or some bytes the socket took) is added. */
    List<WebSocketFrame> add(Object written) {
        List<WebSocketFrame> frames = new ArrayList<>();
        if (!(written instanceof ByteBuf bytes)) {
            frames.add((WebSocketFrame) written);
            return frames;
        }
        try {
            pending.writeBytes(bytes);
        } finally {
            bytes.release();
        }
        for (WebSocketFrame frame = next(); frame != null; frame = next()) {
            frames.add(frame);
        }
        pending.discardReadBytes();
        return frames;
    }

    private WebSocketFrame next() {
        if (pending.readableBytes() < 2) {
            return null;
        }
        int start = pending.readerIndex();
        int first = pending.getUnsignedByte(start);
        int second = pending.getUnsignedByte(start + 1);
        if (first != 0x81) {
            throw new AssertionError("not a final unfragmented text frame: " + Integer.toHexString(first));
        }
        if ((second & 0x80) != 0) {
            throw new AssertionError("a server's frame must not be masked");
        }
        int header = second == 126 ? 4 : second == 127 ? 10 : 2;
        if (pending.readableBytes() < header) {
            return null;
        }
        long length = second == 126 ? pending.getUnsignedShort(start + 2) : second == 127 ? pending.getLong(start + 2) : second;
        if (pending.readableBytes() < header + length) {
            return null;
        }
        pending.skipBytes(header);
        return new TextWebSocketFrame(pending.readBytes((int) length));
    }
}
