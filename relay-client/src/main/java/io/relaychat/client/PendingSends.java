package io.relaychat.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * The sends not yet acknowledged, by client_id, in the order they were made: each is kept, with the exact frame it
 * goes in, until its echo comes back or the server refuses it for good, so a retry after a reconnect is the same
 * request and the server stores it once. Loop-confined, not thread-safe.
 */
final class PendingSends {
    /** One send on its way. */
    static final class Pending {
        final String clientId;
        final String roomId;
        final String frame;
        final CompletableFuture<Ack> stage;
        /** The socket it went out on last; null while it waits for one. */
        SocketSession sentOn;
        /** Refusals that free up with time (rate limit, store away) in a row: they lengthen the next wait. */
        int refusals;
        /** Its next try, while it waits out a refusal. */
        ScheduledFuture<?> retry;

        Pending(String clientId, String roomId, String frame, CompletableFuture<Ack> stage) {
            this.clientId = clientId;
            this.roomId = roomId;
            this.frame = frame;
            this.stage = stage;
        }

        void cancelRetry() {
            if (retry != null) {
                retry.cancel(false);
                retry = null;
            }
        }
    }

    private final Map<String, Pending> byClientId = new LinkedHashMap<>();

    Pending add(String clientId, String roomId, String frame, CompletableFuture<Ack> stage) {
        Pending pending = new Pending(clientId, roomId, frame, stage);
        byClientId.put(clientId, pending);
        return pending;
    }

    Pending get(String clientId) {
        return byClientId.get(clientId);
    }

    /** The send this echo or final refusal answers, no longer pending; null if none is. */
    Pending remove(String clientId) {
        Pending pending = byClientId.remove(clientId);
        if (pending != null) {
            pending.cancelRetry();
        }
        return pending;
    }

    /** Every pending send, oldest first. */
    List<Pending> all() {
        return new ArrayList<>(byClientId.values());
    }

    int size() {
        return byClientId.size();
    }

    void clear() {
        byClientId.values().forEach(Pending::cancelRetry);
        byClientId.clear();
    }
}
