package io.relaychat.adapter.mongo;

import io.relaychat.ports.model.DeliveryBatching;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Sends the message inserts of many rooms as few ordered inserts. Each insert costs a round trip and, in the driver,
 * a connection check-out through its pool's own thread, whatever it carries; at a busy node's pace most rooms have a
 * single message waiting, so an insert per room cost all that per message. At most {@code inFlight} inserts are out
 * at once; what is asked for while they are all out waits, and goes as one insert when one of them returns.
 * <p>
 * Against a server that answers in a fraction of a millisecond, an insert is rarely out when the next message comes,
 * so that alone combined little: each message still went on its own. So a document that finds nothing waiting
 * waits up to {@code linger} for others to join it, as the SQLite store's commit waits for others to share its
 * fsync; whatever an insert's return or the linger's end finds waiting goes at once. With a linger of zero, one
 * asked for while an insert is free goes out at once, and a quiet node's message never waits for another's.
 *
 * <p>The insert is ordered: the server stops at the first document it refuses. The parts before it are stored, the
 * part it belongs to is stored up to it (and told why it stopped), and the parts after it were never tried: they go
 * out again with the next insert. A failure that names no document (the connection broke) is every part's, none of
 * them known to be stored, as it is for an insert of one room's messages. One insert's answers run through the
 * transport's {@link DeliveryBatching}, so that its rooms' messages reach each event loop in one hand-off.
 *
 * @param <D> the documents, as {@code send} takes them: the message store's are {@link org.bson.RawBsonDocument}s
 */
final class CombinedInserts<D> implements AutoCloseable {
    /** Documents per insert at most; the driver splits what passes MongoDB's message size anyway. */
    private static final int MAX_DOCUMENTS = 512;

    /** How one part ended: its first {@code inserted} documents are stored; {@code error} says why not the rest. */
    record Outcome(int inserted, Throwable error) {
    }

    private record Part<D>(List<D> documents, CompletableFuture<Outcome> outcome) {
    }

    private final Function<List<D>, CompletableFuture<Void>> send;
    private final int inFlight;
    private final DeliveryBatching deliveries;
    /** Guarded by itself, as is {@link #sending}. */
    private final ArrayDeque<Part<D>> waiting = new ArrayDeque<>();
    private int sending;
    /** The documents in {@link #waiting}; guarded as it is. */
    private int waitingDocuments;
    /** The linger of the documents waiting runs; guarded as {@link #waiting} is. */
    private boolean lingering;
    private final long lingerNanos;
    /** Ends the lingers; null without one. */
    private final ScheduledExecutorService timer;

    /** Without a linger: one asked for while an insert is free goes out at once. */
    CombinedInserts(Function<List<D>, CompletableFuture<Void>> send, int inFlight, DeliveryBatching deliveries) {
        this(send, inFlight, deliveries, Duration.ZERO);
    }

    /**
     * @param send       one ordered insert of the documents, in their order
     * @param inFlight   how many inserts may be out at once
     * @param deliveries what the answers to one insert run through
     * @param linger     how long a document that finds nothing waiting waits for others to share its insert; zero:
     *                   not at all
     */
    CombinedInserts(Function<List<D>, CompletableFuture<Void>> send, int inFlight, DeliveryBatching deliveries,
                    Duration linger) {
        if (inFlight < 1) {
            throw new IllegalArgumentException("inFlight must be positive");
        }
        if (linger.isNegative()) {
            throw new IllegalArgumentException("linger must not be negative");
        }
        this.send = send;
        this.inFlight = inFlight;
        this.deliveries = deliveries;
        this.lingerNanos = linger.toNanos();
        this.timer = linger.isZero() ? null : Executors.newSingleThreadScheduledExecutor(task -> {
            Thread lingers = new Thread(task, "relay-mongo-inserts");
            lingers.setDaemon(true);
            return lingers;
        });
    }

    /** Inserts one room's documents, in their order, with whatever other rooms' wait beside them. */
    CompletableFuture<Outcome> insert(List<D> documents) {
        Part<D> part = new Part<>(documents, new CompletableFuture<>());
        boolean sendNow = true;
        boolean startLinger = false;
        synchronized (waiting) {
            waiting.add(part);
            waitingDocuments += documents.size();
            if (timer != null && waitingDocuments < MAX_DOCUMENTS) {
                sendNow = false; // the linger's end, or an insert's return, sends it
                startLinger = !lingering;
                lingering = true;
            }
        }
        if (startLinger) {
            try {
                timer.schedule(this::lingered, lingerNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException closed) {
                lingered(); // closing: no more waiting for company
            }
        } else if (sendNow) {
            sendWhatWaits();
        }
        return part.outcome();
    }

    private void lingered() {
        synchronized (waiting) {
            lingering = false;
        }
        sendWhatWaits();
    }

    private void sendWhatWaits() {
        List<Part<D>> parts = new ArrayList<>();
        List<D> documents;
        synchronized (waiting) {
            if (sending >= inFlight || waiting.isEmpty()) {
                return;
            }
            sending++;
            int count = 0;
            while (!waiting.isEmpty() && (parts.isEmpty() || count + waiting.peek().documents().size() <= MAX_DOCUMENTS)) {
                Part<D> next = waiting.poll();
                parts.add(next);
                count += next.documents().size();
            }
            waitingDocuments -= count;
            if (parts.size() == 1) {
                documents = parts.get(0).documents();
            } else {
                documents = new ArrayList<>(count);
                parts.forEach(part -> documents.addAll(part.documents()));
            }
        }
        CompletableFuture<Void> sent;
        try {
            sent = send.apply(documents);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((ignored, error) -> {
            List<Part<D>> untried = new ArrayList<>();
            try {
                deliveries.together(() -> untried.addAll(answer(parts, error)));
            } catch (RuntimeException failed) {
                // Answering broke (the transport's batching, say): no part may wait for ever on it, and whether the
                // ones not yet answered are stored is not known, as after a broken connection.
                parts.forEach(part -> part.outcome().complete(new Outcome(0, failed)));
                untried.clear();
            } finally {
                // Whatever happened above, the insert is back: its slot must be, or the inserts stop for good.
                synchronized (waiting) {
                    sending--;
                    for (int i = untried.size() - 1; i >= 0; i--) {
                        waiting.addFirst(untried.get(i)); // not stored: first in line, ahead of later arrivals
                        waitingDocuments += untried.get(i).documents().size();
                    }
                }
            }
            sendWhatWaits();
        });
    }

    /** Completes the parts the insert decided; the ones after the refused document, which it never tried. */
    private static <D> List<Part<D>> answer(List<Part<D>> parts, Throwable error) {
        if (error == null) {
            parts.forEach(part -> part.outcome().complete(new Outcome(part.documents().size(), null)));
            return List.of();
        }
        int refused = MongoFailures.refusedAt(error);
        if (refused < 0 || MongoFailures.isWriteConcernFailure(error)) {
            // Nothing known to be stored, or nothing known to be durable: every part fails with the insert.
            parts.forEach(part -> part.outcome().complete(new Outcome(0, error)));
            return List.of();
        }
        List<Part<D>> untried = new ArrayList<>();
        int start = 0;
        for (Part<D> part : parts) {
            int size = part.documents().size();
            if (refused >= start + size) {
                part.outcome().complete(new Outcome(size, null));
            } else if (refused >= start) {
                part.outcome().complete(new Outcome(refused - start, error));
            } else {
                untried.add(part);
            }
            start += size;
        }
        return untried;
    }

    /** Stops the lingers' timer; a linger already running still ends, and sends what it waited for. */
    @Override
    public void close() {
        if (timer != null) {
            timer.shutdown();
        }
    }
}
