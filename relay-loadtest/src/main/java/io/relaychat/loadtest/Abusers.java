package io.relaychat.loadtest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The hostile share of a soak, each client one of six kinds, all of them over again until the run stops:
 * a flooder sending far past its rate, a garbage sender (broken JSON, invalid UTF-8, binary and oversized
 * frames), a head trickled a byte a second, a body that stalls, a reader that stops reading, and a password
 * guesser. What each gets (close codes, statuses, refusals) is tallied; the server must turn each away and go on
 * serving the measured fleet, which is the point.
 */
final class Abusers implements AutoCloseable {
    private static final String[] KINDS = {"flooder", "garbage", "slow head", "stalled body", "stalled reader", "guesser"};

    private final List<Thread> threads = new ArrayList<>();
    private final List<URI> nodes;
    private final Tally tally;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private volatile boolean stopping;

    Abusers(Options options, Setup.Plan plan, int firstAccount, Tally tally) {
        this.nodes = options.nodes();
        this.tally = tally;
        for (int i = 0; i < options.abusers(); i++) {
            int account = firstAccount + i;
            URI node = nodes.get(i % nodes.size());
            String token = plan.accounts().get(account).token();
            String room = plan.roomIds().get(account / Setup.BACKGROUND_ROOM_SIZE);
            String local = "127.0.0." + (2 + i % options.sourceAddresses());
            String kind = KINDS[i % KINDS.length];
            Thread thread = new Thread(() -> {
                while (!stopping) {
                    try {
                        abuse(kind, node, token, room, local);
                    } catch (IOException e) {
                        tally.count(kind + ": " + e.getClass().getSimpleName());
                    } catch (InterruptedException e) {
                        return;
                    }
                    Churn.pause(500);
                }
            }, "abuser-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
    }

    void start() {
        threads.forEach(Thread::start);
    }

    private void abuse(String kind, URI node, String token, String room, String local)
            throws IOException, InterruptedException {
        switch (kind) {
            case "flooder" -> flood(node, token, room, local);
            case "garbage" -> garbage(node, token, room, local);
            case "slow head" -> slowHead(node, local);
            case "stalled body" -> stalledBody(node, local);
            case "stalled reader" -> stalledReader(node, token, room, local);
            default -> guess(node);
        }
    }

    /** Sends ~500 messages a second until the server closes the connection for it. */
    private void flood(URI node, String token, String room, String local) throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(node, token, local, 0, 10_000)) {
            ws.sendText("{\"action\":\"join_room\",\"room_id\":\"" + room + "\"}");
            ws.timeout(2);
            long until = System.nanoTime() + 60_000_000_000L;
            while (!stopping && System.nanoTime() < until) {
                ws.sendText("{\"action\":\"send_message\",\"room_id\":\"" + room + "\",\"content\":\"flood\"}");
                if (readUntilClosed(ws, "flooder")) {
                    return;
                }
            }
        }
    }

    private void garbage(URI node, String token, String room, String local) throws IOException {
        try {
            sendGarbage(node, token, room, local);
        } catch (java.net.SocketException cut) {
            tally.count("garbage cut off"); // the server closed while the oversized frame was still going out
        }
    }

    private void sendGarbage(URI node, String token, String room, String local) throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(node, token, local, 0, 10_000)) {
            ws.timeout(50);
            byte[][] junk = {
                    "{\"action\":".getBytes(StandardCharsets.UTF_8),
                    "{\"action\":\"send_message\",\"room_id\":123,\"content\":[]}".getBytes(StandardCharsets.UTF_8),
                    ("{\"action\":\"join_room\",\"room_id\":\"" + room + "\",\"since_seq\":99999999999999999999}")
                            .getBytes(StandardCharsets.UTF_8),
                    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[".getBytes(StandardCharsets.UTF_8),
            };
            for (int round = 0; round < 20 && !stopping; round++) {
                ws.send(RawWebSocket.TEXT, junk[round % junk.length]);
                if (readUntilClosed(ws, "garbage")) {
                    return;
                }
            }
            ws.send(RawWebSocket.BINARY, new byte[] {1, 2, 3}); // refused with unsupported_frame, not closed
            if (ThreadLocalRandom.current().nextBoolean()) {
                ws.send(RawWebSocket.TEXT, new byte[] {'{', (byte) 0xc3, (byte) 0x28, '}'}); // invalid UTF-8: 1007
            } else {
                ws.send(RawWebSocket.TEXT, new byte[1024 * 1024]); // past the frame limit: 1009
            }
            ws.timeout(5_000);
            if (!readUntilClosed(ws, "garbage")) {
                tally.count("garbage: not closed after its last frame");
            }
        }
    }

    /**
     * Reads what has arrived; true once the server has closed, tallying the close code. Refusals are tallied by
     * code; a read that times out just means nothing more has arrived.
     */
    private boolean readUntilClosed(RawWebSocket ws, String kind) throws IOException {
        try {
            while (true) {
                RawWebSocket.Frame frame = ws.read();
                if (frame.opcode() == RawWebSocket.CLOSE) {
                    tally.count(kind + " closed " + frame.closeCode());
                    return true;
                }
                String text = frame.opcode() == RawWebSocket.TEXT ? frame.text() : "";
                if (text.startsWith("{\"type\":\"error\"")) {
                    int code = text.indexOf("\"code\":\"");
                    tally.count(kind + " error " + (code < 0 ? "?" : text.substring(code + 8, text.indexOf('"', code + 8))));
                }
            }
        } catch (SocketTimeoutException nothingMore) {
            return false;
        } catch (java.io.EOFException | java.net.SocketException cut) {
            tally.count(kind + " cut off");
            return true;
        }
    }

    /** A request head a byte a second: the server must close it at its head timeout. */
    private void slowHead(URI node, String local) throws IOException {
        heldUntilClosed("slow head", node, local, "GET /api/health HTTP/1.1\r\nHost: x\r\n", "X-Slow: ");
    }

    /** A body that says 100 000 bytes, sends 100 and stalls: the server must close it at its body timeout. */
    private void stalledBody(URI node, String local) throws IOException {
        heldUntilClosed("stalled body", node, local, "POST /api/auth/login HTTP/1.1\r\nHost: x\r\n"
                + "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"email\":\"" + "x".repeat(90), null);
    }

    /** Sends {@code start}, then {@code trickle} a byte a second if given, until the server closes; tallies the time. */
    private void heldUntilClosed(String kind, URI node, String local, String start, String trickle) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(local, 0));
            socket.connect(new InetSocketAddress(node.getHost(), node.getPort()), 10_000);
            socket.setSoTimeout(1_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(start.getBytes(StandardCharsets.US_ASCII));
            long opened = System.nanoTime();
            for (int i = 0; !stopping && System.nanoTime() - opened < 120_000_000_000L; i++) {
                try {
                    if (trickle != null) {
                        out.write(trickle.charAt(i % trickle.length()));
                    }
                    if (in.read(new byte[4096]) < 0) {
                        break;
                    }
                    // an answer (408, 413): read on until the close
                } catch (SocketTimeoutException stillOpen) {
                    // held open another second
                } catch (java.net.SocketException reset) {
                    break;
                }
            }
            long seconds = (System.nanoTime() - opened) / 1_000_000_000L;
            tally.count(kind + (stopping ? " open at the end" : " closed after " + seconds + " s"));
        }
    }

    /** Joins, stops reading for a minute (the server may close it as too slow meanwhile), then leaves. */
    private void stalledReader(URI node, String token, String room, String local) throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(node, token, local, 4096, 10_000)) {
            ws.sendText("{\"action\":\"join_room\",\"room_id\":\"" + room + "\"}");
            for (int i = 0; i < 60 && !stopping; i++) {
                Churn.pause(1_000);
            }
            tally.count("stalled reader sessions");
        }
    }

    /** Wrong passwords for one account, a few a second: refused with 401, then 429 once the limit is spent. */
    private void guess(URI node) throws IOException, InterruptedException {
        for (int i = 0; i < 50 && !stopping; i++) {
            HttpRequest login = HttpRequest.newBuilder(node.resolve("/api/auth/login"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"victim@load.test\",\"password\":\"guess-" + i + "\"}"))
                    .build();
            tally.count("guesser answered " + http.send(login, HttpResponse.BodyHandlers.discarding()).statusCode());
            Churn.pause(200);
        }
    }

    /** Stops every client and waits for the threads; each wait is bounded by a socket timeout. */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        for (Thread thread : threads) {
            thread.join(35_000);
        }
    }
}
