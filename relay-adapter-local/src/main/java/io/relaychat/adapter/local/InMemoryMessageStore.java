package io.relaychat.adapter.local;

import io.relaychat.ports.model.Appended;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.MessageId;
import io.relaychat.ports.model.NewMessage;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.out.MessageStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Messages in memory, one log per room in seq order, so seq allocation and the append are one
 * atomic step and the log is always dense. Lost on restart.
 */
public final class InMemoryMessageStore implements MessageStore {
    private final Map<RoomId, RoomLog> logs = new ConcurrentHashMap<>();
    /** (user, client id) to the message it stored: the idempotency index, across rooms. */
    private final Map<String, ChatMessage> byClientKey = new HashMap<>();
    private final Map<MessageId, ChatMessage> byId = new HashMap<>();

    @Override
    public CompletionStage<Appended> append(NewMessage message) {
        RoomLog log = logs.computeIfAbsent(message.roomId(), id -> new RoomLog());
        String clientKey = message.clientId() == null ? null : message.userId().value() + "\u0000" + message.clientId();
        // One lock for the dedupe check and the append: two retries racing must not both store.
        synchronized (byClientKey) {
            ChatMessage earlier = clientKey == null ? null : byClientKey.get(clientKey);
            if (earlier == null) {
                earlier = byId.get(message.id());
            }
            if (earlier != null) {
                return CompletableFuture.completedFuture(new Appended(earlier, true));
            }
            ChatMessage stored = log.append(message);
            byId.put(stored.id(), stored);
            if (clientKey != null) {
                byClientKey.put(clientKey, stored);
            }
            return CompletableFuture.completedFuture(new Appended(stored, false));
        }
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

    /** One room's messages; index i holds seq i + 1. */
    private static final class RoomLog {
        private final List<ChatMessage> messages = new ArrayList<>();

        synchronized ChatMessage append(NewMessage message) {
            ChatMessage stored = message.withSeq(messages.size() + 1L);
            messages.add(stored);
            return stored;
        }

        synchronized List<ChatMessage> history(int limit, Instant before, Long beforeSeq) {
            int end = messages.size();
            if (beforeSeq != null) {
                end = (int) Math.min(end, Math.max(0, beforeSeq - 1));
            }
            if (before != null) {
                while (end > 0 && !messages.get(end - 1).timestamp().isBefore(before)) {
                    end--;
                }
            }
            int start = Math.max(0, end - limit);
            return List.copyOf(messages.subList(start, end));
        }

        synchronized List<ChatMessage> since(long afterSeq, int limit) {
            int start = (int) Math.min(Math.max(afterSeq, 0), messages.size());
            int end = (int) Math.min(messages.size(), (long) start + limit);
            return List.copyOf(messages.subList(start, end));
        }
    }
}
