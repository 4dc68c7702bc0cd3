package io.relaychat.domain;

import io.relaychat.ports.model.ChatMessage;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * The ordering rule of one room: messages are released strictly by seq, each once, without gaps.
 * A message that arrives ahead of its turn is held until the messages before it arrive, or until its
 * owner gives up on them ({@link #skipTo}). Not thread-safe: its owner serializes calls.
 */
final class SeqOrderer {
    private long lastReleased;
    private static final int MAX_REMEMBERED_SKIPS = 1024;

    private final TreeMap<Long, ChatMessage> held = new TreeMap<>();
    /** Seqs given up on, remembered so that their senders still get their echo if they turn up late. */
    private final Set<Long> skipped = new HashSet<>();

    /** @param lastReleased the seq already accounted for; the next release is {@code lastReleased + 1} */
    SeqOrderer(long lastReleased) {
        this.lastReleased = lastReleased;
    }

    long lastReleased() {
        return lastReleased;
    }

    /** True for a seq that was released already, or is older than where this orderer started. */
    boolean isBehind(long seq) {
        return seq <= lastReleased;
    }

    int heldCount() {
        return held.size();
    }

    /** The lowest seq waiting for a gap before it to fill, or 0 when nothing waits. */
    long firstHeldSeq() {
        return held.isEmpty() ? 0 : held.firstKey();
    }

    /** True when the message was given up on by {@link #skipTo} and has turned up since; forgets it. */
    boolean arrivedAfterSkip(long seq) {
        return skipped.remove(seq);
    }

    /**
     * Gives up waiting for every missing seq up to {@code seq}: they are treated as released, and what
     * was held behind them goes out. Used when a gap is not filled in time and the store does not have
     * the missing messages either (an insert that failed after its seq was allocated).
     */
    List<ChatMessage> skipTo(long seq) {
        if (seq <= lastReleased) {
            return List.of();
        }
        for (long missing = lastReleased + 1; missing <= seq && skipped.size() < MAX_REMEMBERED_SKIPS; missing++) {
            if (!held.containsKey(missing)) {
                skipped.add(missing);
            }
        }
        List<ChatMessage> released = new ArrayList<>(held.headMap(seq, true).values());
        held.headMap(seq, true).clear();
        lastReleased = seq;
        while (!held.isEmpty() && held.firstKey() == lastReleased + 1) {
            released.add(held.pollFirstEntry().getValue());
            lastReleased++;
        }
        return released;
    }

    /**
     * Offers a message; returns the messages that may go out now, in seq order: none when it waits
     * for an earlier one, several when it fills a gap. A message that is behind is never released.
     */
    List<ChatMessage> offer(ChatMessage message) {
        long seq = message.seq();
        if (isBehind(seq)) {
            return List.of();
        }
        if (seq != lastReleased + 1) {
            held.putIfAbsent(seq, message);
            return List.of();
        }
        List<ChatMessage> released = new ArrayList<>(1 + held.size());
        released.add(message);
        lastReleased = seq;
        while (!held.isEmpty() && held.firstKey() == lastReleased + 1) {
            released.add(held.pollFirstEntry().getValue());
            lastReleased++;
        }
        return released;
    }
}
