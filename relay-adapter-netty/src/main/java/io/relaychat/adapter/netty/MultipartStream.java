package io.relaychat.adapter.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a multipart/form-data body as it arrives and hands the file of one field on, piece by piece, without
 * ever holding more of the body than a part's headers or the few bytes that may be the start of a boundary.
 * Every other part is skipped as it passes. What does not parse is an {@link ApiException} answering 422 naming
 * what is wrong, as Netty's whole-body decoder did.
 */
final class MultipartStream {
    /** Where the file goes; {@link #fileBytes} is handed a buffer it may read only during the call. */
    interface Receiver {
        void fileStarts(String filename);

        void fileBytes(ByteBuf bytes);

        void fileEnds();
    }

    /** The most a part's headers may take; past it the body is not a form a browser sent. */
    static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};

    private enum State { PREAMBLE, AFTER_DELIMITER, HEADERS, BODY, EPILOGUE }

    private final String field;
    private final Receiver receiver;
    private final String notMultipart;
    /** CRLF, two dashes and the boundary: what ends a part (the first delimiter is matched after a CRLF we add). */
    private final byte[] delimiter;
    private byte[] carry = CRLF;
    private State state = State.PREAMBLE;
    private final Map<String, String> partHeaders = new LinkedHashMap<>();
    private int headerBytes;
    private boolean inFile;
    private boolean fileStarted;
    private boolean fileEnded;
    private boolean fieldWithoutFile;

    private MultipartStream(String boundary, String field, Receiver receiver) {
        this.field = field;
        this.receiver = receiver;
        this.notMultipart = notMultipart(field);
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A reader of a body with these headers; 422 when they do not announce multipart/form-data it can read. */
    static MultipartStream of(HttpHeaders headers, String field, Receiver receiver) {
        String contentType = headers.get(HttpHeaderNames.CONTENT_TYPE);
        if (contentType == null) {
            throw ApiException.invalidField(notMultipart(field));
        }
        String[] parts = contentType.split(";");
        if (!parts[0].strip().equalsIgnoreCase("multipart/form-data")) {
            throw ApiException.invalidField(notMultipart(field));
        }
        Map<String, String> parameters = parameters(Arrays.copyOfRange(parts, 1, parts.length));
        String boundary = parameters.get("boundary");
        if (boundary == null || boundary.isEmpty() || boundary.length() > 200) {
            throw ApiException.invalidField(notMultipart(field));
        }
        checkCharset(parameters.get("charset"), field);
        return new MultipartStream(boundary, field, receiver);
    }

    private static String notMultipart(String field) {
        return "request body must be multipart/form-data with a '" + field + "' field";
    }

    /** What this reader holds of the body: the bytes it could not yet tell the meaning of. */
    int buffered() {
        return carry.length;
    }

    void offer(ByteBuf content) {
        if (state == State.EPILOGUE || !content.isReadable()) {
            return;
        }
        byte[] data = new byte[carry.length + content.readableBytes()];
        System.arraycopy(carry, 0, data, 0, carry.length);
        content.getBytes(content.readerIndex(), data, carry.length, content.readableBytes());
        int at = parse(data);
        carry = Arrays.copyOfRange(data, at, data.length);
    }

    /** The body has ended: what it held must have been a whole form with the file in it. */
    void end() {
        if (fileEnded && state == State.EPILOGUE) {
            return;
        }
        if (fileStarted || (state != State.EPILOGUE && state != State.PREAMBLE)) {
            throw ApiException.invalidField(notMultipart);
        }
        throw ApiException.invalidField(fieldWithoutFile
                ? "field '" + field + "' must be a file" : "field '" + field + "' is required");
    }

    /** Parses what it can; answers where the bytes it could not yet decide on begin. */
    private int parse(byte[] data) {
        int at = 0;
        while (true) {
            switch (state) {
                case PREAMBLE -> {
                    int found = indexOf(data, delimiter, at);
                    if (found < 0) {
                        return Math.max(at, data.length - (delimiter.length - 1));
                    }
                    at = found + delimiter.length;
                    state = State.AFTER_DELIMITER;
                }
                case AFTER_DELIMITER -> {
                    while (at < data.length && (data[at] == ' ' || data[at] == '\t')) {
                        at++; // transport padding
                    }
                    if (data.length - at < 2) {
                        return at;
                    }
                    if (data[at] == '-' && data[at + 1] == '-') {
                        state = State.EPILOGUE;
                        return data.length;
                    }
                    if (data[at] != '\r' || data[at + 1] != '\n') {
                        throw ApiException.invalidField(notMultipart);
                    }
                    at += 2;
                    partHeaders.clear();
                    headerBytes = 0;
                    state = State.HEADERS;
                }
                case HEADERS -> {
                    int end = indexOf(data, CRLF, at);
                    if (end < 0) {
                        if (headerBytes + data.length - at > MAX_HEADER_BYTES) {
                            throw ApiException.invalidField(notMultipart);
                        }
                        return at;
                    }
                    headerBytes += end - at + 2;
                    if (headerBytes > MAX_HEADER_BYTES) {
                        throw ApiException.invalidField(notMultipart);
                    }
                    String line = new String(data, at, end - at, StandardCharsets.UTF_8);
                    at = end + 2;
                    if (line.isEmpty()) {
                        startPart();
                        state = State.BODY;
                    } else {
                        int colon = line.indexOf(':');
                        if (colon <= 0) {
                            throw ApiException.invalidField(notMultipart);
                        }
                        partHeaders.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                                line.substring(colon + 1).strip());
                    }
                }
                case BODY -> {
                    int found = indexOf(data, delimiter, at);
                    int until = found >= 0 ? found : Math.max(at, data.length - (delimiter.length - 1));
                    if (inFile && until > at) {
                        receiver.fileBytes(Unpooled.wrappedBuffer(data, at, until - at));
                    }
                    if (found < 0) {
                        return until;
                    }
                    if (inFile) {
                        inFile = false;
                        fileEnded = true;
                        receiver.fileEnds();
                    }
                    at = found + delimiter.length;
                    state = State.AFTER_DELIMITER;
                }
                case EPILOGUE -> {
                    return data.length;
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
    }

    private void startPart() {
        String disposition = partHeaders.get("content-disposition");
        if (disposition == null) {
            throw ApiException.invalidField(notMultipart);
        }
        String[] parts = disposition.split(";(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)");
        if (!parts[0].strip().equalsIgnoreCase("form-data")) {
            throw ApiException.invalidField(notMultipart);
        }
        Map<String, String> parameters = parameters(Arrays.copyOfRange(parts, 1, parts.length));
        String contentType = partHeaders.get("content-type");
        if (contentType != null) {
            String[] typeParts = contentType.split(";");
            checkCharset(parameters(Arrays.copyOfRange(typeParts, 1, typeParts.length)).get("charset"), field);
        }
        if (!field.equals(parameters.get("name")) || fileStarted) {
            return; // another field, or the same one again: skipped
        }
        String filename = filename(parameters);
        if (filename == null) {
            fieldWithoutFile = true;
            return;
        }
        fileStarted = true;
        inFile = true;
        receiver.fileStarts(filename);
    }

    /** {@code filename*=UTF-8''…} (RFC 5987) when given, else {@code filename}; null for a part that is no file. */
    private String filename(Map<String, String> parameters) {
        String extended = parameters.get("filename*");
        if (extended != null) {
            int quote = extended.indexOf('\'');
            int second = quote < 0 ? -1 : extended.indexOf('\'', quote + 1);
            if (second > 0) {
                try {
                    Charset charset = Charset.forName(extended.substring(0, quote));
                    return URLDecoder.decode(extended.substring(second + 1).replace("+", "%2B"), charset);
                } catch (IllegalArgumentException unreadable) {
                    throw ApiException.invalidField(notMultipart);
                }
            }
        }
        return parameters.get("filename");
    }

    /** {@code name=value} pairs, names in lower case, values unquoted. */
    private static Map<String, String> parameters(String[] pairs) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : pairs) {
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                continue;
            }
            String value = pair.substring(equals + 1).strip();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
            }
            parameters.putIfAbsent(pair.substring(0, equals).strip().toLowerCase(Locale.ROOT), value);
        }
        return parameters;
    }

    /** A charset Java does not know, or that is not even a name, is the client's mistake: 422, never a 500. */
    private static void checkCharset(String name, String field) {
        if (name == null) {
            return;
        }
        try {
            if (Charset.isSupported(name)) {
                return;
            }
        } catch (IllegalCharsetNameException notAName) {
            // answered below
        }
        throw ApiException.invalidField(notMultipart(field));
    }

    private static int indexOf(byte[] data, byte[] sought, int from) {
        outer:
        for (int i = from; i <= data.length - sought.length; i++) {
            for (int j = 0; j < sought.length; j++) {
                if (data[i + j] != sought[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
