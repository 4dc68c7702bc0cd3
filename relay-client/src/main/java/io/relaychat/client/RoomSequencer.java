package io.relaychat.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One room's order of delivery: hands on each seq once, in order, holding back what arrives ahead of a missing one
 * and dropping what was handed on before (a resumed backlog that overlaps, or a retried send's echo). A seq the
 * server no longer has (never stored, or past its retention) is skipped once history shows it is gone, so the room
 * never waits for ever. Bounded: past {@code maxWaiting} held messages a new early one is dropped and only its seq
 * remembered; history brings it back. Not thread-safe: one thread owns it (the client's loop).
 */
final class RoomSequencer {
    private final int maxWaiting;
    private final TreeMap<Long, ChatMessage> waiting = new TreeMap<>();
    /** Every seq up to this one was handed on or is known to be gone. */
    private long delivered;
    /** The highest seq seen at all, held or dropped: the gap lasts until {@link #delivered} reaches it. */
    private long highestSeen;

    /** {@code after}: the last seq the application already has (0 for the whole history). */
    RoomSequencer(long after, int maxWaiting) {
        if (after < 0) {
            throw new IllegalArgumentException("after must be at least 0, got " + after);
        }
        if (maxWaiting < 1) {
            throw new IllegalArgumentException("maxWaiting must be at least 1, got " + maxWaiting);
        }
        this.delivered = after;
        this.highestSeen = after;
        this.maxWaiting = maxWaiting;
    }

    /** The last seq handed on (or skipped): what a resume asks to start after. */
    long delivered() {
        return delivered;
    }

    /** Whether some seq is missing before one already seen. */
    boolean hasGap() {
        return highestSeen > delivered;
    }

    /** The messages {@code message} lets through, in order: none when it is early or a repeat. */
    List<ChatMessage> offer(ChatMessage message) {
        long seq = message.seq();
        if (seq <= delivered || waiting.containsKey(seq)) {
            return List.of();
        }
        highestSeen = Math.max(highestSeen, seq);
        if (seq == delivered + 1) {
            List<ChatMessage> ready = new ArrayList<>();
            ready.add(message);
            delivered = seq;
            drainContiguous(ready);
            return ready;
        }
        if (waiting.size() < maxWaiting) {
            waiting.put(seq, message);
        }
        return List.of();
    }

    /**
     * The range history should be asked for to close the gap, at most {@code page} seqs: {@code [after, upTo]} means
     * the seqs after {@code after} up to and including {@code upTo}. Null without a gap.
     */
    long[] gapToFill(int page) {
        if (!hasGap()) {
            return null;
        }
        long end = waiting.isEmpty() ? highestSeen : Math.min(highestSeen, waiting.firstKey() - 1);
        if (end <= delivered) {
            end = highestSeen; // only held messages above: nothing missing before the first of them
        }
        return new long[] {delivered, Math.min(end, delivered + page)};
    }

    /**
     * History's answer for the seqs after {@code after} up to {@code upTo}: {@code found} is everything the server
     * has in that range. What it lacks is gone and skipped; what it has is handed on with what was held, in order.
     */
    List<ChatMessage> filled(long after, long upTo, List<ChatMessage> found) {
        if (upTo <= delivered || after > delivered) {
            // Answered for a range already passed, or one that no longer starts where the room stands: only offer.
            List<ChatMessage> ready = new ArrayList<>();
            found.forEach(message -> ready.addAll(offer(message)));
            return ready;
        }
        for (ChatMessage message : found) {
            if (message.seq() > delivered && message.seq() <= upTo) {
                waiting.put(message.seq(), message);
            }
        }
        List<ChatMessage> ready = new ArrayList<>();
        while (!waiting.isEmpty() && waiting.firstKey() <= upTo) {
            Map.Entry<Long, ChatMessage> next = waiting.pollFirstEntry();
            ready.add(next.getValue());
        }
        delivered = upTo;
        highestSeen = Math.max(highestSeen, upTo);
        drainContiguous(ready);
        return ready;
    }

    private void drainContiguous(List<ChatMessage> ready) {
        while (!waiting.isEmpty() && waiting.firstKey() == delivered + 1) {
            ready.add(waiting.pollFirstEntry().getValue());
            delivered++;
        }
        // Held ones at or below delivered can only be repeats by now.
        waiting.headMap(delivered, true).clear();
    }
}
