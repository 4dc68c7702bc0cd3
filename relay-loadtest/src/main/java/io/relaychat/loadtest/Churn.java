package io.relaychat.loadtest;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Connections that come and go for as long as they run: each connects, joins its room resuming from the last
 * seq it saw, chats for a few seconds, leaves and starts over, so that the server keeps opening and releasing
 * sessions, subscriptions and presence while the measured fleet talks. One thread per connection: they are few.
 */
final class Churn implements AutoCloseable {
    private static final int STAY_MIN_MILLIS = 1_000;
    private static final int STAY_MAX_MILLIS = 6_000;
    private static final int SEND_EVERY_MILLIS = 500;

    private final List<Thread> threads = new ArrayList<>();
    private final Tally tally;
    private volatile boolean stopping;
    private final boolean compression;

    Churn(Options options, Setup.Plan plan, Tally tally) {
        this.tally = tally;
        this.compression = options.compression();
        List<URI> nodes = options.nodes();
        for (int i = 0; i < plan.accounts().size(); i++) {
            URI node = nodes.get(i % nodes.size());
            String token = plan.accounts().get(i).token();
            String room = plan.roomIds().get(i / Setup.BACKGROUND_ROOM_SIZE);
            String local = "127.0.0." + (2 + i % options.sourceAddresses());
            Thread thread = new Thread(() -> cycle(node, token, room, local), "churn-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
    }

    void start() {
        threads.forEach(Thread::start);
    }

    private void cycle(URI node, String token, String room, String local) {
        long lastSeq = 0;
        while (!stopping) {
            try (RawWebSocket ws = RawWebSocket.open(node, token, local, 0, 10_000, compression)) {
                ws.sendText("{\"action\":\"join_room\",\"room_id\":\"" + room + "\",\"since_seq\":" + lastSeq + "}");
                long leaveAt = System.nanoTime()
                        + ThreadLocalRandom.current().nextInt(STAY_MIN_MILLIS, STAY_MAX_MILLIS) * 1_000_000L;
                long nextSend = System.nanoTime();
                ws.timeout(100);
                while (!stopping && System.nanoTime() < leaveAt) {
                    if (System.nanoTime() >= nextSend) {
                        ws.sendText("{\"action\":\"send_message\",\"room_id\":\"" + room + "\",\"content\":\"churn\"}");
                        nextSend += SEND_EVERY_MILLIS * 1_000_000L;
                    }
                    try {
                        RawWebSocket.Frame frame = ws.read();
                        lastSeq = Math.max(lastSeq, seqOf(frame));
                        if (frame.opcode() == RawWebSocket.CLOSE) {
                            tally.count("churn closed by the server " + frame.closeCode());
                            break;
                        }
                    } catch (SocketTimeoutException quiet) {
                        // nothing to read this moment: send or leave
                    }
                }
                ws.send(RawWebSocket.CLOSE, new byte[] {0x03, (byte) 0xe8});
                tally.count("churn sessions");
            } catch (IOException e) {
                tally.count("churn failures: " + e.getClass().getSimpleName());
                pause(500);
            }
        }
    }

    private static long seqOf(RawWebSocket.Frame frame) {
        if (frame.opcode() != RawWebSocket.TEXT) {
            return 0;
        }
        String text = frame.text();
        if (!text.startsWith("{\"type\":\"chat_message\"")) {
            return 0;
        }
        int at = text.indexOf("\"seq\":");
        long seq = 0;
        for (int i = at + 6; at >= 0 && i < text.length() && Character.isDigit(text.charAt(i)); i++) {
            seq = seq * 10 + (text.charAt(i) - '0');
        }
        return seq;
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops every connection and waits for the threads, each bounded by its socket timeouts. */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        for (Thread thread : threads) {
            thread.join(15_000);
        }
    }
}
