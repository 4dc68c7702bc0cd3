package io.relaychat.adapter.netty;

/**
 * Whether a WebSocket may negotiate permessage-deflate (RFC 7692), and the smallest frame worth compressing.
 * Off by default: it costs CPU on every frame to every connection, since a broadcast is encoded once per node
 * but compressed once per recipient. See {@link MessageCompression} for what a compressed connection holds.
 *
 * @param enabled  offer-and-accept: a client that offers permessage-deflate gets it; one that does not is
 *                 answered as without this setting
 * @param minBytes frames (server to client) smaller than this go out uncompressed: deflate gains little on them
 *                 and costs a compressor each; 0 compresses every frame
 */
public record WebSocketCompression(boolean enabled, int minBytes) {
    /** Small frames (a typing notice, a short message's echo) gain too little to be worth a compressor. */
    public static final int DEFAULT_MIN_BYTES = 256;
    public static final WebSocketCompression OFF = new WebSocketCompression(false, DEFAULT_MIN_BYTES);

    public WebSocketCompression {
        if (minBytes < 0) {
            throw new IllegalArgumentException("minBytes must not be negative (0 compresses every frame)");
        }
    }
}
