package io.relaychat.adapter.netty;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes one JSON object of the server's own events straight into UTF-8 bytes: every live message is encoded on
 * the hot path, and a general generator's set-up (its context, its buffers, a stream to copy out of) cost more
 * than the writing itself. Field names are the protocol's constants, given as {@link #name}s made once; strings are
 * escaped as RFC 8259 asks (quote, backslash and control characters; the rest as UTF-8), and a lone surrogate, which
 * UTF-8 cannot carry, as a {@code \\u} escape.
 * <p>
 * One writer per thread, reused: {@link #start} begins an object, {@link #toBytes} ends it and copies it out.
 */
final class JsonBytes {
    /** A buffer grown past this for a large message is let go afterwards, so a thread holds little between them. */
    private static final int KEPT_CAPACITY = 16 * 1024;
    private static final ThreadLocal<JsonBytes> PER_THREAD = ThreadLocal.withInitial(JsonBytes::new);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private byte[] bytes = new byte[512];
    private int length;
    /** Whether the object being written has a field yet: the next one is preceded by a comma. */
    private boolean hasField;

    private JsonBytes() {
    }

    /** A field name as written before its value: quoted, escaped and followed by a colon. */
    static byte[] name(String field) {
        JsonBytes json = new JsonBytes();
        json.string(field);
        json.ensure(1);
        json.bytes[json.length++] = ':';
        return Arrays.copyOf(json.bytes, json.length);
    }

    /** This thread's writer, at the start of a new object. */
    static JsonBytes start() {
        JsonBytes json = PER_THREAD.get();
        json.length = 0;
        json.hasField = false;
        json.bytes[json.length++] = '{';
        return json;
    }

    JsonBytes field(byte[] name, String value) {
        beginField(name);
        string(value);
        return this;
    }

    JsonBytes field(byte[] name, long value) {
        beginField(name);
        ensure(20);
        if (value == Long.MIN_VALUE) {
            raw("-9223372036854775808");
            return this;
        }
        if (value < 0) {
            bytes[length++] = '-';
            value = -value;
        }
        int digits = 1;
        for (long rest = value / 10; rest > 0; rest /= 10) {
            digits++;
        }
        for (int i = length + digits - 1; i >= length; i--) {
            bytes[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        length += digits;
        return this;
    }

    JsonBytes field(byte[] name, Iterable<String> values) {
        beginField(name);
        ensure(1);
        bytes[length++] = '[';
        boolean first = true;
        for (String value : values) {
            if (!first) {
                ensure(1);
                bytes[length++] = ',';
            }
            first = false;
            string(value);
        }
        ensure(1);
        bytes[length++] = ']';
        return this;
    }

    /** Opens an object as the value of {@code name}; its fields follow, then {@link #endObject}. */
    JsonBytes startObject(byte[] name) {
        beginField(name);
        ensure(1);
        bytes[length++] = '{';
        hasField = false;
        return this;
    }

    /** A field of the innermost open object whose name is not a constant, such as a user's id. */
    JsonBytes field(String name, String value) {
        ensure(1);
        if (hasField) {
            bytes[length++] = ',';
        }
        hasField = true;
        string(name);
        ensure(1);
        bytes[length++] = ':';
        string(value);
        return this;
    }

    JsonBytes endObject() {
        ensure(1);
        bytes[length++] = '}';
        hasField = true;
        return this;
    }

    /** Closes the object {@link #start} began and copies it out; the writer is ready for the next. */
    byte[] toBytes() {
        ensure(1);
        bytes[length++] = '}';
        byte[] out = Arrays.copyOf(bytes, length);
        if (bytes.length > KEPT_CAPACITY) {
            bytes = new byte[512];
        }
        return out;
    }

    private void beginField(byte[] name) {
        ensure(name.length + 1);
        if (hasField) {
            bytes[length++] = ',';
        }
        hasField = true;
        System.arraycopy(name, 0, bytes, length, name.length);
        length += name.length;
    }

    private void raw(String ascii) {
        ensure(ascii.length());
        for (int i = 0; i < ascii.length(); i++) {
            bytes[length++] = (byte) ascii.charAt(i);
        }
    }

    /** A quoted string; JSON null for null. At most six bytes per char (a {@code \\u} escape), so room is made once. */
    private void string(String value) {
        if (value == null) {
            raw("null");
            return;
        }
        int chars = value.length();
        ensure(chars * 6 + 2);
        byte[] out = bytes;
        int at = length;
        out[at++] = '"';
        for (int i = 0; i < chars; i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                if (c >= 0x20 && c != '"' && c != '\\') {
                    out[at++] = (byte) c;
                } else {
                    at = escaped(out, at, c);
                }
            } else if (c < 0x800) {
                out[at++] = (byte) (0xc0 | c >> 6);
                out[at++] = (byte) (0x80 | c & 0x3f);
            } else if (Character.isHighSurrogate(c) && i + 1 < chars && Character.isLowSurrogate(value.charAt(i + 1))) {
                int point = Character.toCodePoint(c, value.charAt(++i));
                out[at++] = (byte) (0xf0 | point >> 18);
                out[at++] = (byte) (0x80 | point >> 12 & 0x3f);
                out[at++] = (byte) (0x80 | point >> 6 & 0x3f);
                out[at++] = (byte) (0x80 | point & 0x3f);
            } else if (Character.isSurrogate(c)) {
                at = unicodeEscape(out, at, c);
            } else {
                out[at++] = (byte) (0xe0 | c >> 12);
                out[at++] = (byte) (0x80 | c >> 6 & 0x3f);
                out[at++] = (byte) (0x80 | c & 0x3f);
            }
        }
        out[at++] = '"';
        length = at;
    }

    private static int escaped(byte[] out, int at, char c) {
        char shortForm = switch (c) {
            case '"' -> '"';
            case '\\' -> '\\';
            case '\n' -> 'n';
            case '\r' -> 'r';
            case '\t' -> 't';
            case '\b' -> 'b';
            case '\f' -> 'f';
            default -> 0;
        };
        if (shortForm == 0) {
            return unicodeEscape(out, at, c);
        }
        out[at++] = '\\';
        out[at++] = (byte) shortForm;
        return at;
    }

    private static int unicodeEscape(byte[] out, int at, char c) {
        out[at++] = '\\';
        out[at++] = 'u';
        out[at++] = HEX[c >> 12 & 0xf];
        out[at++] = HEX[c >> 8 & 0xf];
        out[at++] = HEX[c >> 4 & 0xf];
        out[at++] = HEX[c & 0xf];
        return at;
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
