package io.relaychat.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One WebSocket frame as a hostile client may write it, byte for byte: any first byte (opcode, FIN and reserved
 * bits), masked or not, any payload. {@link #wire()} gives its bytes, for properties that feed frames to a
 * decoder or a socket without a client library that would refuse to write them.
 *
 * @param kind what the frame is meant to be, for a shrunk example's message
 */
public record RawFrame(String kind, int firstByte, boolean masked, byte[] payload) {
    private static final byte[] KEY = {0x37, (byte) 0xfa, 0x21, 0x3d};

    /** The frame's bytes: masked with a fixed key when {@code masked}, the length in its shortest form. */
    public byte[] wire() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 14);
        out.write(firstByte);
        int mask = masked ? 0x80 : 0;
        if (payload.length < 126) {
            out.write(mask | payload.length);
        } else if (payload.length <= 0xFFFF) {
            out.write(mask | 126);
            out.write(payload.length >>> 8);
            out.write(payload.length & 0xFF);
        } else {
            out.write(mask | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) payload.length >>> shift) & 0xFF);
            }
        }
        if (masked) {
            out.writeBytes(KEY);
        }
        for (int i = 0; i < payload.length; i++) {
            out.write(masked ? payload[i] ^ KEY[i % 4] : payload[i]);
        }
        return out.toByteArray();
    }

    @Override
    public String toString() {
        String shown = new String(payload, 0, Math.min(payload.length, 300), StandardCharsets.UTF_8);
        return kind + "(0x" + Integer.toHexString(firstByte) + (masked ? "" : ", unmasked") + ", " + payload.length
                + " bytes: " + shown + ")";
    }
}
