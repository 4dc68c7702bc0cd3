package io.relaychat.ports.in;

import io.relaychat.ports.model.InvalidCommandException;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;

import java.time.Instant;
import java.util.Objects;

/**
 * A page of a room's history: the newest {@code limit} messages older than the cursor, oldest first.
 * Either cursor may be null; {@code beforeSeq} is exact, {@code before} is a timestamp.
 */
public record HistoryQuery(UserId userId, RoomId roomId, int limit, Instant before, Long beforeSeq) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 100;

    public HistoryQuery {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(roomId, "roomId");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidCommandException("limit", "limit must be between 1 and " + MAX_LIMIT);
        }
        if (beforeSeq != null && beforeSeq < 1) {
            throw new InvalidCommandException("before_seq", "before_seq must be at least 1");
        }
    }
}
