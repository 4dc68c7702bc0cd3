package io.relaychat.loadtest;

import io.netty.channel.Channel;

import java.util.BitSet;
import java.util.concurrent.CompletableFuture;

/**
 * One generated client connection and what it has seen of its room: which seqs (to count loss and
 * duplicates after the drain) and in which order. Updated on its channel's event loop, read by the reporter.
 */
final class Peer {
    final int index;
    final int room;
    /** A stalled reader stops reading once joined and never sends: only whether the server closes it counts. */
    final boolean stalled;
    /** A leaver reads as usual, never sends, and closes during the run: only what its leaving costs the others counts. */
    final boolean leaves;
    final CompletableFuture<Void> joined = new CompletableFuture<>();
    final CompletableFuture<Void> closed = new CompletableFuture<>();
    volatile Channel channel;
    private final BitSet seen = new BitSet();
    private long lastSeq;
    private long received;
    private long duplicates;
    private long outOfOrder;

    Peer(int index, int room, boolean stalled, boolean leaves) {
        this.index = index;
        this.room = room;
        this.stalled = stalled;
        this.leaves = leaves;
    }

    /** Whether what it receives is counted, and it sends: everyone but stalled readers and the leaver. */
    boolean counted() {
        return !stalled && !leaves;
    }

    synchronized void onMessage(long seq) {
        received++;
        if (seen.get((int) seq)) {
            duplicates++;
        } else {
            seen.set((int) seq);
        }
        if (seq <= lastSeq) {
            outOfOrder++;
        }
        lastSeq = Math.max(lastSeq, seq);
    }

    synchronized long distinct() {
        return seen.cardinality();
    }

    synchronized long received() {
        return received;
    }

    synchronized long duplicates() {
        return duplicates;
    }

    synchronized long outOfOrder() {
        return outOfOrder;
    }
}
