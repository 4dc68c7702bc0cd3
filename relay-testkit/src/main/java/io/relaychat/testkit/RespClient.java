package io.relaychat.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Asks one Redis server on loopback one command, in RESP2, and reads its answer: how the cluster and Sentinel
 * fixtures learn a node's state (CLUSTER NODES, INFO replication, SENTINEL MASTER) and how their tests write and
 * read a key, without a client library, which this module does not depend on. A new connection for every question:
 * the nodes asked are killed and started again, so a kept connection would only go stale.
 */
final class RespClient {
    private static final int TIMEOUT_MILLIS = 2000;
    private static final byte[] CRLF = {'\r', '\n'};

    /** An answer the server sent as an error, e.g. {@code MOVED 3999 127.0.0.1:21003} or {@code CLUSTERDOWN ...}. */
    static final class ErrorReply extends IOException {
        ErrorReply(String message) {
            super(message);
        }
    }

    private RespClient() {
    }

    /**
     * The answer to {@code args} (a command and its arguments, sent as UTF-8): a String for a simple or bulk string
     * (null for a nil), a Long for an integer, a List of these for an array.
     *
     * @throws ErrorReply when the server answers with an error
     */
    static Object call(int port, String... args) throws IOException {
        return callOnOneConnection(port, List.of(List.of(args))).get(0);
    }

    /**
     * The answers to several commands sent on one connection, in order. WAIT counts the replicas that have this
     * connection's writes, so a write and the WAIT for its replication must share one: a WAIT on a connection of its
     * own has nothing to wait for and answers at once.
     */
    static List<Object> callOnOneConnection(int port, List<List<String>> commands) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            List<Object> answers = new ArrayList<>();
            for (List<String> command : commands) {
                socket.getOutputStream().write(request(command.toArray(String[]::new)));
                answers.add(read(in));
            }
            return answers;
        }
    }

    /** The answer to a command that answers with text, such as INFO or CLUSTER NODES. */
    static String text(int port, String... args) throws IOException {
        Object answer = call(port, args);
        if (answer instanceof String text) {
            return text;
        }
        throw new IOException("expected text from " + String.join(" ", args) + " on port " + port + ", got " + answer);
    }

    /** The value of {@code name} in an INFO-style answer ({@code name:value} lines), or null when it has none. */
    static String field(String info, String name) {
        String prefix = name + ":";
        return info.lines().filter(line -> line.startsWith(prefix)).map(line -> line.substring(prefix.length()).strip())
                .findFirst().orElse(null);
    }

    /** A flat array of names and values, as SENTINEL MASTER answers in RESP2, as a map. */
    static Map<String, String> pairs(Object answer) throws IOException {
        if (!(answer instanceof List<?> items) || items.size() % 2 != 0) {
            throw new IOException("expected pairs of names and values, got " + answer);
        }
        Map<String, String> pairs = new HashMap<>();
        for (int i = 0; i < items.size(); i += 2) {
            pairs.put(String.valueOf(items.get(i)), String.valueOf(items.get(i + 1)));
        }
        return pairs;
    }

    static boolean answersPing(int port) {
        try {
            return "PONG".equals(call(port, "PING"));
        } catch (IOException e) {
            return false;
        }
    }

    private static byte[] request(String... args) {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            request.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            request.writeBytes(bytes);
            request.writeBytes(CRLF);
        }
        return request.toByteArray();
    }

    private static Object read(InputStream in) throws IOException {
        int type = in.read();
        if (type == -1) {
            throw new EOFException("the server closed the connection without answering");
        }
        String line = line(in);
        return switch (type) {
            case '+' -> line;
            case '-' -> throw new ErrorReply(line);
            case ':' -> Long.parseLong(line);
            case '$' -> bulk(in, Integer.parseInt(line));
            case '*' -> array(in, Integer.parseInt(line));
            default -> throw new IOException("not a RESP2 answer: " + (char) type + line);
        };
    }

    private static String bulk(InputStream in, int length) throws IOException {
        if (length < 0) {
            return null;
        }
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < length || in.read() != '\r' || in.read() != '\n') {
            throw new EOFException("a bulk string of " + length + " bytes was cut short");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static List<Object> array(InputStream in, int count) throws IOException {
        if (count < 0) {
            return null;
        }
        List<Object> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            items.add(read(in));
        }
        return items;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            if (c == -1) {
                throw new EOFException("the server closed the connection mid-answer");
            }
            line.append((char) c);
        }
        if (in.read() != '\n') {
            throw new IOException("a RESP line did not end with CRLF");
        }
        return line.toString();
    }
}
