package io.relaychat.domain;

import io.relaychat.ports.model.ChatMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The ordering rule of one room: messages are released strictly by seq, each once, without gaps.
 * A message that arrives ahead of its turn is held until the messages before it arrive.
 * Not thread-safe: its owner serializes calls.
 */
final class SeqOrderer {
    private long lastReleased;
    private final TreeMap<Long, ChatMessage> held = new TreeMap<>();

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
