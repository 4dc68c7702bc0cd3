package io.relaychat.adapter.local;

import io.relaychat.ports.model.Appended;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.MessageId;
import io.relaychat.ports.model.NewMessage;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.out.MessageStore;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Messages in memory, one log per room in seq order, so seq allocation and the append are one
 * atomic step and the log is always dense. Each room keeps only its newest messages (a bound per room,
 * or none): past it the oldest is dropped, and with it its id and client id, so a retry is recognised
 * only while the message it repeats is still kept. Seqs go on from where they were; a read from before
 * the oldest kept message starts at the oldest kept. Lost on restart.
 */
public final class InMemoryMessageStore implements MessageStore {
    /** Enough for a long scroll back in a busy room, and for every test and benchmark of the project. */
    public static final int DEFAULT_MESSAGES_PER_ROOM = 10_000;
    /** The bound meaning "keep everything". */
    public static final int UNBOUNDED = 0;

    private final int messagesPerRoom;
    private final Map<RoomId, RoomLog> logs = new ConcurrentHashMap<>();
    /** (user, client id) to the message it stored: the idempotency index, across rooms. */
    private final StripedIndex<String, ChatMessage> byClientKey = new StripedIndex<>();
    private final StripedIndex<MessageId, ChatMessage> byId = new StripedIndex<>();

    /** Keeps {@link #DEFAULT_MESSAGES_PER_ROOM} per room. */
    public InMemoryMessageStore() {
        this(DEFAULT_MESSAGES_PER_ROOM);
    }

    /** @param messagesPerRoom the newest messages each room keeps; {@link #UNBOUNDED} keeps them all */
    public InMemoryMessageStore(int messagesPerRoom) {
        if (messagesPerRoom < 0) {
            throw new IllegalArgumentException("messagesPerRoom must be 0 (unbounded) or more, got " + messagesPerRoom);
        }
        this.messagesPerRoom = messagesPerRoom;
    }

    @Override
    public CompletionStage<Appended> append(NewMessage message) {
        RoomLog log = logs.computeIfAbsent(message.roomId(), id -> new RoomLog(messagesPerRoom));
        String clientKey = message.clientId() == null ? null : clientKey(message.userId().value(), message.clientId());
        // One lock for the dedupe check, the append and the indexes: two retries racing must not both store.
        synchronized (byClientKey) {
            ChatMessage earlier = clientKey == null ? null : byClientKey.get(clientKey);
            if (earlier == null) {
                earlier = byId.get(message.id());
            }
            if (earlier != null) {
                return CompletableFuture.completedFuture(new Appended(earlier, true));
            }
            ChatMessage dropped = log.append(message);
            ChatMessage stored = log.newest();
            if (dropped != null) {
                forget(dropped);
            }
            byId.put(stored.id(), stored);
            if (clientKey != null) {
                byClientKey.put(clientKey, stored);
            }
            return CompletableFuture.completedFuture(new Appended(stored, false));
        }
    }

    /** A message no longer kept is no longer answered as the original of a retry. */
    private void forget(ChatMessage dropped) {
        byId.remove(dropped.id(), dropped);
        if (dropped.clientId() != null) {
            byClientKey.remove(clientKey(dropped.userId().value(), dropped.clientId()), dropped);
        }
    }

    private static String clientKey(String userId, String clientId) {
        return userId + "\u0000" + clientId;
    }

    @Override
    public CompletionStage<List<ChatMessage>> history(RoomId roomId, int limit, Instant before, Long beforeSeq) {
        RoomLog log = logs.get(roomId);
        return CompletableFuture.completedFuture(log == null ? List.of() : log.history(limit, before, beforeSeq));
    }

    @Override
    public CompletionStage<List<ChatMessage>> since(RoomId roomId, long afterSeq, int limit) {
        RoomLog log = logs.get(roomId);
        return CompletableFuture.completedFuture(log == null ? List.of() : log.since(afterSeq, limit));
    }

    /**
     * One room's newest messages, dense by seq, in a ring that grows up to the room's bound and then
     * overwrites its oldest: an append costs the same whether the room is new or at its bound.
     */
    private static final class RoomLog {
        private final int capacity;
        private ChatMessage[] ring;
        /** Where the oldest kept message is in {@link #ring}. */
        private int head;
        private int size;
        private long lastSeq;

        RoomLog(int capacity) {
            this.capacity = capacity;
            this.ring = new ChatMessage[capacity == UNBOUNDED ? 16 : Math.min(16, capacity)];
        }

        /** Appends with the next seq; answers the message dropped to make room, or null. */
        synchronized ChatMessage append(NewMessage message) {
            ChatMessage stored = message.withSeq(lastSeq + 1);
            ChatMessage dropped = null;
            if (size == ring.length && (capacity == UNBOUNDED || ring.length < capacity)) {
                grow();
            }
            if (size == ring.length) {
                dropped = ring[head];
                ring[head] = stored;
                head = (head + 1) % ring.length;
            } else {
                ring[(head + size) % ring.length] = stored;
                size++;
            }
            lastSeq = stored.seq();
            return dropped;
        }

        private void grow() {
            int length = capacity == UNBOUNDED ? ring.length * 2 : Math.min(ring.length * 2, capacity);
            ChatMessage[] grown = new ChatMessage[length];
            for (int i = 0; i < size; i++) {
                grown[i] = ring[(head + i) % ring.length];
            }
            ring = grown;
            head = 0;
        }

        synchronized ChatMessage newest() {
            return at(size - 1);
        }

        /** The i-th kept message, oldest first. */
        private ChatMessage at(int i) {
            return ring[(head + i) % ring.length];
        }

        /** The seq of the oldest kept message (1 when nothing was dropped). */
        private long firstSeq() {
            return lastSeq - size + 1;
        }

        synchronized List<ChatMessage> history(int limit, Instant before, Long beforeSeq) {
            int end = size;
            if (beforeSeq != null) {
                // Compared before subtracting: a cursor far below the oldest kept seq must not wrap around.
                end = beforeSeq <= firstSeq() ? 0 : (int) Math.min(end, beforeSeq - firstSeq());
            }
            if (before != null) {
                while (end > 0 && !at(end - 1).timestamp().isBefore(before)) {
                    end--;
                }
            }
            return copy(Math.max(0, end - limit), end);
        }

        synchronized List<ChatMessage> since(long afterSeq, int limit) {
            // From before the oldest kept message (dropped, or never sent): the oldest kept onwards.
            long from = Math.max(afterSeq, firstSeq() - 1);
            int start = (int) Math.min(from - firstSeq() + 1, size);
            return copy(start, (int) Math.min(size, (long) start + limit));
        }

        private List<ChatMessage> copy(int from, int to) {
            ChatMessage[] page = new ChatMessage[to - from];
            for (int i = from; i < to; i++) {
                page[i - from] = at(i);
            }
            return List.of(page);
        }
    }
}
