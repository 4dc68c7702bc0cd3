package io.relaychat.loadtest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Inflates the messages of one WebSocket that agreed on permessage-deflate (RFC 7692): each compressed message
 * is raw deflate with its closing {@code 00 00 ff ff} left off, so the tail is put back before inflating. One
 * inflater lives as long as the connection and keeps its window, which reads a server that takes its context
 * over as well as one that starts each message afresh. The generator sends its own frames uncompressed, which
 * the extension allows, so it spends nothing on deflating and the server nothing on inflating them.
 */
final class FrameInflater implements AutoCloseable {
    /** The header a client offers the extension with. */
    static final String OFFER = "permessage-deflate";
    /** RSV1 of a frame's first byte: this message is compressed. */
    static final int RSV1 = 0x40;
    private static final byte[] TAIL = {0x00, 0x00, (byte) 0xff, (byte) 0xff};

    private final Inflater inflater = new Inflater(true);
    private final byte[] buffer = new byte[16 * 1024];
    private final int maxBytes;

    /** {@code maxBytes}: a message that would inflate further is refused rather than held. */
    FrameInflater(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Whether an upgrade's answer headers agreed on the extension. */
    static boolean agreed(String answerHead) {
        return answerHead.lines().anyMatch(line -> line.regionMatches(true, 0, "Sec-WebSocket-Extensions:", 0, 25)
                && line.toLowerCase(java.util.Locale.ROOT).contains(OFFER));
    }

    /** One whole message's payload, as it came (compressed, without the tail), inflated. */
    byte[] inflate(byte[] compressed) throws IOException {
        byte[] input = Arrays.copyOf(compressed, compressed.length + TAIL.length);
        System.arraycopy(TAIL, 0, input, compressed.length, TAIL.length);
        inflater.setInput(input);
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, compressed.length * 4));
        try {
            while (!inflater.needsInput() && !inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && inflater.needsDictionary()) {
                    throw new IOException("compressed message needs a preset dictionary");
                }
                out.write(buffer, 0, n);
                if (out.size() > maxBytes) {
                    throw new IOException("compressed message inflates past " + maxBytes + " bytes");
                }
            }
        } catch (DataFormatException e) {
            throw new IOException("compressed message does not inflate: " + e.getMessage(), e);
        }
        if (inflater.finished()) {
            // A sender that ended its stream (a final block) starts the next message with a new one.
            inflater.reset();
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        inflater.end();
    }
}
