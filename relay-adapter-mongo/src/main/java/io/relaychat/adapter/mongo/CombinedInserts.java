package io.relaychat.adapter.mongo;

import io.relaychat.ports.model.DeliveryBatching;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Sends the message inserts of many rooms as few ordered inserts. Each insert costs a round trip and, in the driver,
 * a connection check-out through its pool's own thread, whatever it carries; at a busy node's pace most rooms have a
 * single message waiting, so an insert per room cost all that per message. At most {@code inFlight} inserts are out
 * at once and one asked for then goes out at once; what is asked for while they are all out waits, and goes as one
 * insert when one of them returns. A quiet node's message therefore never waits for another's.
 *
 * <p>The insert is ordered: the server stops at the first document it refuses. The parts before it are stored, the
 * part it belongs to is stored up to it (and told why it stopped), and the parts after it were never tried: they go
 * out again with the next insert. A failure that names no document (the connection broke) is every part's, none of
 * them known to be stored, as it is for an insert of one room's messages. One insert's answers run through the
 * transport's {@link DeliveryBatching}, so that its rooms' messages reach each event loop in one hand-off.
 *
 * @param <D> the documents, as {@code send} takes them: the message store's are {@link org.bson.RawBsonDocument}s
 */
final class CombinedInserts<D> {
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

    /**
     * @param send       one ordered insert of the documents, in their order
     * @param inFlight   how many inserts may be out at once
     * @param deliveries what the answers to one insert run through
     */
    CombinedInserts(Function<List<D>, CompletableFuture<Void>> send, int inFlight, DeliveryBatching deliveries) {
        if (inFlight < 1) {
            throw new IllegalArgumentException("inFlight must be positive");
        }
        this.send = send;
        this.inFlight = inFlight;
        this.deliveries = deliveries;
    }

    /** Inserts one room's documents, in their order, with whatever other rooms' wait beside them. */
    CompletableFuture<Outcome> insert(List<D> documents) {
        Part<D> part = new Part<>(documents, new CompletableFuture<>());
        synchronized (waiting) {
            waiting.add(part);
        }
        sendWhatWaits();
        return part.outcome();
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
}
