package io.relaychat.loadtest;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A blocking WebSocket client over a plain socket, for the clients of a soak that misbehave on purpose: it
 * writes any frame, well-formed or not, and reads what the server answers, close codes included. The
 * measured clients use Netty ({@link Fleet}); these are few and only count what they get. It may offer
 * permessage-deflate, and then inflates what comes compressed ({@link FrameInflater}).
 */
final class RawWebSocket implements AutoCloseable {
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    private static final int MAX_FRAME = 16 * 1024 * 1024;

    /** One frame from the server; {@code closeCode} is set for a close frame that carries one, else -1. */
    record Frame(int opcode, byte[] payload) {
        int closeCode() {
            return opcode == CLOSE && payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1;
        }

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    /** Set when the upgrade agreed on permessage-deflate: received messages with RSV1 are inflated. */
    private final FrameInflater inflater;

    private RawWebSocket(Socket socket, FrameInflater inflater) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.inflater = inflater;
    }

    /**
     * Connects from {@code local} to the node's {@code /api/ws} and upgrades; a receive buffer above 0 is set
     * before connecting (a small one makes a client that stops reading fill the server's bound quickly).
     */
    static RawWebSocket open(URI node, String token, String localAddress, int receiveBuffer, int timeoutMillis)
            throws IOException {
        return open(node, token, localAddress, receiveBuffer, timeoutMillis, false);
    }

    /** As above; {@code offerCompression}: offers permessage-deflate, and inflates what comes compressed. */
    static RawWebSocket open(URI node, String token, String localAddress, int receiveBuffer, int timeoutMillis,
                             boolean offerCompression) throws IOException {
        Socket socket = new Socket();
        try {
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.bind(new InetSocketAddress(localAddress, 0));
            socket.connect(new InetSocketAddress(node.getHost(), node.getPort()), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            socket.setTcpNoDelay(true);
            byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            String upgrade = "GET /api/ws?token=" + token + " HTTP/1.1\r\nHost: " + node.getHost() + ":" + node.getPort()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                    + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n"
                    + (offerCompression ? "Sec-WebSocket-Extensions: " + FrameInflater.OFFER + "\r\n" : "") + "\r\n";
            socket.getOutputStream().write(upgrade.getBytes(StandardCharsets.US_ASCII));
            String head = readHead(socket.getInputStream());
            if (!head.startsWith("HTTP/1.1 101")) {
                throw new IOException("upgrade refused: " + head.lines().findFirst().orElse(""));
            }
            return new RawWebSocket(socket, offerCompression && FrameInflater.agreed(head) ? new FrameInflater(MAX_FRAME) : null);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed during the upgrade");
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (head.size() > 16 * 1024) {
                throw new IOException("upgrade answer too long");
            }
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    void sendText(String text) throws IOException {
        send(TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** One final frame, masked as a client must. */
    void send(int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write(0x80 | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift));
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        out.write(frame.toByteArray());
    }

    /** The next frame, waiting at most the socket's timeout ({@link java.net.SocketTimeoutException} past it). */
    Frame read() throws IOException {
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long length = second & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        if (length < 0 || length > MAX_FRAME) {
            throw new IOException("frame of " + length + " bytes");
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        if (inflater != null && (first & FrameInflater.RSV1) != 0) {
            payload = inflater.inflate(payload); // the server sends whole messages, one frame each
        }
        return new Frame(first & 0x0f, payload);
    }

    void timeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    @Override
    public void close() {
        if (inflater != null) {
            inflater.close();
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing: nothing left to tell
        }
    }
}
