package io.relaychat.client;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The servers a client may use, tried in turn: the one that last worked first, the next after a failure. The list
 * is asked for again each time, so a supplier can follow a service whose nodes come and go. Each is a base URI
 * ({@code http://host:port}, or https); the API's paths go after it. Thread-safe.
 */
final class Endpoints {
    private final Supplier<List<URI>> source;
    private final AtomicInteger current = new AtomicInteger();

    Endpoints(Supplier<List<URI>> source) {
        this.source = Objects.requireNonNull(source, "source");
    }

    /** The one to use now. */
    URI current() {
        List<URI> all = all();
        return all.get(Math.floorMod(current.get(), all.size()));
    }

    /** The one to use now, then the others in turn: what one request tries before it gives up. */
    List<URI> inTurn() {
        List<URI> all = all();
        int first = Math.floorMod(current.get(), all.size());
        List<URI> turn = new ArrayList<>(all.size());
        for (int i = 0; i < all.size(); i++) {
            turn.add(all.get((first + i) % all.size()));
        }
        return turn;
    }

    /** {@code failed} did not answer: the next request starts with the one after it (unless another moved on first). */
    void failed(URI failed) {
        List<URI> all = all();
        int now = current.get();
        if (all.get(Math.floorMod(now, all.size())).equals(failed)) {
            current.compareAndSet(now, now + 1);
        }
    }

    /** {@code worked} answered: requests start with it while it does. */
    void worked(URI worked) {
        int at = all().indexOf(worked);
        if (at >= 0) {
            current.set(at);
        }
    }

    private List<URI> all() {
        List<URI> all = source.get();
        if (all == null || all.isEmpty()) {
            throw new IllegalStateException("no endpoint to connect to");
        }
        return all;
    }

    /** {@code base} with {@code path} (which starts with a slash) after its own path. */
    static URI resolve(URI base, String path) {
        String text = base.toString();
        if (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        return URI.create(text + path);
    }

    /** The WebSocket address of {@code base}: ws for http, wss for https. */
    static URI webSocket(URI base, String pathAndQuery) {
        String scheme = base.getScheme();
        String wsScheme = "https".equalsIgnoreCase(scheme) || "wss".equalsIgnoreCase(scheme) ? "wss" : "ws";
        String text = base.toString().substring(scheme.length());
        return resolve(URI.create(wsScheme + text), pathAndQuery);
    }
}
