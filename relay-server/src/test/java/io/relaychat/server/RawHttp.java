package io.relaychat.server;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a bare socket, for clients no library would be: ones that send a byte at a time, stop half way,
 * pipeline requests, or never read. Reads answers with a Content-Length, as the server writes every answer.
 */
final class RawHttp implements AutoCloseable {
    final Socket socket;

    RawHttp(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
    }

    /** A client whose kernel takes at most about {@code receiveBufferBytes} before the server must wait for it. */
    RawHttp(int port, int receiveBufferBytes) throws IOException {
        socket = new Socket();
        socket.setReceiveBufferSize(receiveBufferBytes);
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port));
    }

    record Answer(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    RawHttp send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
        return this;
    }

    /** The next answer, waiting at most {@code within}. */
    Answer read(Duration within) throws IOException {
        Answer head = readHead(within);
        byte[] body = socket.getInputStream().readNBytes(Integer.parseInt(head.headers().getOrDefault("content-length", "0")));
        return new Answer(head.status(), head.headers(), new String(body, StandardCharsets.UTF_8));
    }

    /** The status and headers of the next answer, leaving its body unread. */
    Answer readHead(Duration within) throws IOException {
        socket.setSoTimeout((int) within.toMillis());
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed after " + head.size() + " bytes of an answer: " + head);
            }
            head.write(b);
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
        }
        return new Answer(Integer.parseInt(lines[0].split(" ")[1]), headers, "");
    }

    /**
     * How long until the server closes the connection, reading (and dropping) whatever it still sends; null if it
     * is still open after {@code atMost}.
     */
    Duration timeToClose(long startNanos, Duration atMost) throws IOException {
        long deadline = startNanos + atMost.toNanos();
        byte[] sink = new byte[4096];
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
            try {
                if (socket.getInputStream().read(sink) < 0) {
                    return Duration.ofNanos(System.nanoTime() - startNanos);
                }
            } catch (SocketTimeoutException stillOpen) {
                return null;
            } catch (IOException reset) {
                return Duration.ofNanos(System.nanoTime() - startNanos);
            }
        }
    }

    /** Upgrades to a WebSocket with {@code token}; the answer is the handshake's. */
    Answer upgrade(String token) throws IOException {
        return send("GET /api/ws?token=" + token + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .read(Duration.ofSeconds(5));
    }

    /** Sends one text frame, masked as a client's must be. */
    RawHttp sendText(byte[] payload) throws IOException {
        socket.getOutputStream().write(maskedText(payload));
        socket.getOutputStream().flush();
        return this;
    }

    /** One client text frame (payload shorter than 64 KiB), masked. */
    static byte[] maskedText(byte[] payload) {
        byte[] key = {7, 1, 3, 9};
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x81);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else {
            frame.write(0x80 | 126);
            frame.write(payload.length >> 8);
            frame.write(payload.length & 0xff);
        }
        frame.writeBytes(key);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ key[i % 4]);
        }
        return frame.toByteArray();
    }

    static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    }

    static String postJson(String path, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\n\r\n" + json;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
