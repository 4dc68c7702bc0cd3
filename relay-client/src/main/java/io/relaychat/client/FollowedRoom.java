package io.relaychat.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * A room the client follows: where its delivery stands (its {@link RoomSequencer}), whether the current WebSocket
 * has joined it, and who waits for that. It outlives every WebSocket, which is what lets a new one resume where the
 * last one stopped. Loop-confined, not thread-safe.
 */
final class FollowedRoom {
    final String roomId;
    final RoomSequencer sequencer;
    /** The follow stages not yet answered: completed by the first greeting, failed by a final refusal. */
    final List<CompletableFuture<Void>> waiting = new ArrayList<>();
    /** Greeted on the current WebSocket. */
    boolean joined;
    /** Refusals of its join that free up with time, in a row. */
    int joinRefusals;
    ScheduledFuture<?> joinRetry;
    ScheduledFuture<?> gapCheck;
    boolean gapFillUnderWay;

    FollowedRoom(String roomId, RoomSequencer sequencer) {
        this.roomId = roomId;
        this.sequencer = sequencer;
    }

    /** A new WebSocket: not joined on it yet, and a retry meant for the old one must not fire on it. */
    void socketEnded() {
        joined = false;
        if (joinRetry != null) {
            joinRetry.cancel(false);
            joinRetry = null;
        }
    }

    void cancelTimers() {
        socketEnded();
        if (gapCheck != null) {
            gapCheck.cancel(false);
            gapCheck = null;
        }
    }

    /** Who waited for the join, no longer waiting. */
    List<CompletableFuture<Void>> takeWaiting() {
        List<CompletableFuture<Void>> taken = new ArrayList<>(waiting);
        waiting.clear();
        return taken;
    }
}
