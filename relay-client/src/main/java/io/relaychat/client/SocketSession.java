package io.relaychat.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One WebSocket: whole text messages in, handed to the client's loop one at a time (the next is read only once the
 * loop has taken it, so a busy client slows the server down instead of queueing without bound); texts out in the
 * order given, one in flight at a time as java.net.http requires; a close that is bounded in time. It reports its
 * end once, whatever ended it. What arrives before the owner {@link #activate}s it (an opening that was refused can
 * close before the owner even knows it opened) is held and told then. Everything but the WebSocket's own callbacks
 * runs on the loop.
 */
final class SocketSession {
    /** What the session tells its owner, always on the loop. */
    interface Handler {
        void onText(SocketSession session, String text);

        void onClosed(SocketSession session, int code, String reason);
    }

    /** The status java.net.http has no frame for: the connection ended without a close frame. */
    static final int ABNORMAL = 1006;

    private final URI endpoint;
    private final ClientLoop loop;
    private final Handler handler;
    private final long openedAtNanos = System.nanoTime();
    private WebSocket socket;
    // Loop-confined from here on.
    private final Deque<String> outgoing = new ArrayDeque<>();
    private boolean sending;
    private boolean closeRequested;
    private boolean ended;
    private boolean active;
    private final Deque<String> early = new ArrayDeque<>();
    private int earlyEndCode;
    private String earlyEndReason;
    private volatile long lastHeardNanos = System.nanoTime();

    private SocketSession(URI endpoint, ClientLoop loop, Handler handler) {
        this.endpoint = endpoint;
        this.loop = loop;
        this.handler = handler;
    }

    /** Opens a WebSocket to {@code address}; {@code endpoint} is the base it belongs to, for reports. */
    static CompletableFuture<SocketSession> open(HttpClient http, URI endpoint, URI address, Duration timeout,
                                                 ClientLoop loop, Handler handler) {
        SocketSession session = new SocketSession(endpoint, loop, handler);
        return http.newWebSocketBuilder().connectTimeout(timeout).buildAsync(address, session.new Listener())
                .thenApply(socket -> {
                    session.socket = socket;
                    return session;
                });
    }

    /** From now on the handler hears of this session: first what arrived before, if anything did. On the loop. */
    void activate() {
        if (active) {
            return;
        }
        active = true;
        while (!early.isEmpty()) {
            handler.onText(this, early.poll());
        }
        if (earlyEndReason != null) {
            handler.onClosed(this, earlyEndCode, earlyEndReason);
        }
    }

    URI endpoint() {
        return endpoint;
    }

    long openedAtNanos() {
        return openedAtNanos;
    }

    /** When the server was last heard from, any frame at all (System.nanoTime()). */
    long lastHeardNanos() {
        return lastHeardNanos;
    }

    /** Queues a text; dropped once the session is closing or ended (the owner resends what matters). */
    void send(String text) {
        if (ended || closeRequested) {
            return;
        }
        outgoing.add(text);
        pump();
    }

    private void pump() {
        if (sending || ended) {
            return;
        }
        String next = outgoing.poll();
        if (next == null) {
            if (closeRequested) {
                sendClose();
            }
            return;
        }
        sending = true;
        socket.sendText(next, true).whenCompleteAsync((sent, error) -> {
            sending = false;
            if (error != null) {
                abort("send failed: " + error);
            } else {
                pump();
            }
        }, loop);
    }

    /**
     * Sends a normal close once what was queued before has gone, and waits for the server's close at most
     * {@code timeout}; past that the connection is cut.
     */
    void close(Duration timeout) {
        if (ended || closeRequested) {
            return;
        }
        closeRequested = true;
        loop.schedule(() -> abort("no close frame from the server in time"), timeout.toMillis());
        pump();
    }

    private void sendClose() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "").whenCompleteAsync((sent, error) -> {
            if (error != null) {
                abort("close failed: " + error);
            }
        }, loop);
    }

    /** Cuts the connection at once: a peer that went silent, or a close that took too long. */
    void abort(String why) {
        if (ended) {
            return;
        }
        if (socket != null) {
            socket.abort();
        }
        end(ABNORMAL, why);
    }

    private void end(int code, String reason) {
        if (ended) {
            return;
        }
        ended = true;
        outgoing.clear();
        if (active) {
            handler.onClosed(this, code, reason);
        } else {
            earlyEndCode = code;
            earlyEndReason = reason == null ? "" : reason;
        }
    }

    /** java.net.http's callbacks: each hands its news to the loop and returns at once. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            lastHeardNanos = System.nanoTime();
            partial.append(data);
            if (!last) {
                webSocket.request(1);
                return null;
            }
            String text = partial.toString();
            partial.setLength(0);
            loop.execute(() -> {
                if (!active) {
                    early.add(text);
                } else if (!ended) {
                    handler.onText(SocketSession.this, text);
                }
                webSocket.request(1);
            });
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, java.nio.ByteBuffer data, boolean last) {
            lastHeardNanos = System.nanoTime();
            webSocket.request(1); // the server sends none; ignored rather than trusted
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, java.nio.ByteBuffer message) {
            lastHeardNanos = System.nanoTime();
            webSocket.request(1); // java.net.http answers the pong itself
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, java.nio.ByteBuffer message) {
            lastHeardNanos = System.nanoTime();
            webSocket.request(1);
            return null;
        }

        /** Returning at once lets java.net.http answer the server's close with the same status, as the RFC asks. */
        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            loop.execute(() -> end(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            loop.execute(() -> end(ABNORMAL, String.valueOf(error)));
        }
    }
}
