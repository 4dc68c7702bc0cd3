package io.relaychat.adapter.sqlite;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * How values are written into columns and read back: instants as milliseconds since the epoch, clamped where a
 * client's cursor lies beyond what a long holds (before the end of time is every message, before its beginning
 * none); attachment lists as a JSON array of strings, so that the sqlite3 shell and {@code json_each} read them.
 */
final class Rows {
    private Rows() {
    }

    static long millis(Instant instant) {
        if (instant.isAfter(Instant.ofEpochMilli(Long.MAX_VALUE))) {
            return Long.MAX_VALUE;
        }
        if (instant.isBefore(Instant.ofEpochMilli(Long.MIN_VALUE))) {
            return Long.MIN_VALUE;
        }
        return instant.toEpochMilli();
    }

    static Instant instant(long millis) {
        return Instant.ofEpochMilli(millis);
    }

    /** Null for none: most messages carry no attachment. */
    static String json(List<String> values) {
        if (values.isEmpty()) {
            return null;
        }
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append('"');
            for (char c : values.get(i).toCharArray()) {
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    default -> {
                        if (c < 0x20) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            out.append('"');
        }
        return out.append(']').toString();
    }

    /** Reads what {@link #json} wrote (and any JSON array of strings). */
    static List<String> strings(String json) {
        if (json == null) {
            return List.of();
        }
        List<String> values = new ArrayList<>();
        int i = skipSpace(json, expect(json, skipSpace(json, 0), '['));
        if (i < json.length() && json.charAt(i) == ']') {
            return values;
        }
        while (true) {
            i = expect(json, skipSpace(json, i), '"');
            StringBuilder value = new StringBuilder();
            while (json.charAt(i) != '"') {
                char c = json.charAt(i++);
                if (c == '\\') {
                    char escaped = json.charAt(i++);
                    switch (escaped) {
                        case 'u' -> {
                            value.append((char) Integer.parseInt(json.substring(i, i + 4), 16));
                            i += 4;
                        }
                        case 'n' -> value.append('\n');
                        case 't' -> value.append('\t');
                        case 'r' -> value.append('\r');
                        case 'b' -> value.append('\b');
                        case 'f' -> value.append('\f');
                        default -> value.append(escaped);
                    }
                } else {
                    value.append(c);
                }
            }
            values.add(value.toString());
            i = skipSpace(json, i + 1);
            if (json.charAt(i) == ']') {
                return values;
            }
            i = expect(json, i, ',');
        }
    }

    private static int skipSpace(String json, int i) {
        while (i < json.length() && Character.isWhitespace(json.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int expect(String json, int i, char c) {
        if (i >= json.length() || json.charAt(i) != c) {
            throw new IllegalStateException("attachments column is not a JSON array of strings: " + json);
        }
        return i + 1;
    }
}
