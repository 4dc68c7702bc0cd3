package io.relaychat.adapter.mongo;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.reactivestreams.client.MongoCollection;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.MessageId;
import io.relaychat.ports.model.NewMessage;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.StorageUnavailableException;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.MessageStore;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Collection {@code messages}, in the Python app's shape plus {@code seq} and, for idempotent sends,
 * {@code client_id} and {@code client_key}.
 * <p>
 * A message takes its room's seq by being inserted with it: the unique index on (room_id, seq) lets exactly
 * one insert have each seq, whichever node it comes from, and a loser simply tries the next one. So seqs
 * are dense, seq N+1 is only ever stored once N is, and an insert that fails takes no seq at all: the next
 * message gets the one it would have had. On one node, appends to a room queue behind each other and the
 * room's last seq is remembered, also from what other nodes publish ({@link #observed}) and from every read
 * that sees the room's newest messages, so the usual append, even a node's first to a room it has open, is a
 * single insert. When another node took that seq meanwhile, the insert tries the next one
 * straight away (the one it lost to exists, so the seqs stay dense); only after a few such misses does
 * it read where the room stands.
 */
final class MongoMessageStore implements MessageStore {
    static final String COLLECTION = "messages";
    /** Seqs taken by others in a row before an append gives up; only many nodes racing for one room get near it. */
    private static final int MAX_CONFLICTS = 64;
    /**
     * Misses in a row answered by simply trying the next seq, before reading the room's last one. A miss costs
     * the same round trip as the read, and with the bus's hints a node is rarely more than a few seqs behind;
     * the read is for a node that was away.
     */
    private static final int BLIND_RETRIES = 8;
    private static final int REMEMBERED_ROOMS = 10_000;

    private final MongoCollection<Document> messages;
    private final KeyedQueue<RoomId> appendsByRoom = new KeyedQueue<>();
    /** The last seq this node knows to be taken, per room; a hint, corrected by the unique index. */
    private final Map<RoomId, Long> lastSeqs = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<RoomId, Long> eldest) {
            return size() > REMEMBERED_ROOMS;
        }
    };

    MongoMessageStore(MongoCollection<Document> messages) {
        this.messages = messages;
    }

    @Override
    public CompletionStage<Appended> append(NewMessage message) {
        String clientKey = message.clientId() == null ? null : clientKey(message.userId(), message.clientId());
        return appendsByRoom.submit(message.roomId(), () -> duplicateOf(clientKey).thenCompose(earlier ->
                earlier.isPresent()
                        // A retry that is already stored costs one read and takes no seq.
                        ? CompletableFuture.completedFuture(new Appended(earlier.get(), true))
                        : lastSeq(message.roomId()).thenCompose(last -> claim(message, clientKey, last + 1, 0))));
    }

    private CompletableFuture<Appended> claim(NewMessage message, String clientKey, long seq, int conflicts) {
        RoomId roomId = message.roomId();
        ChatMessage stored = message.withSeq(seq);
        return Reactive.done(messages.insertOne(document(stored, clientKey))).handle((ignored, error) -> {
            if (error == null) {
                remember(roomId, stored.seq());
                return CompletableFuture.completedFuture(new Appended(stored, false));
            }
            if (!MongoFailures.isDuplicateKey(error)) {
                forget(roomId); // the insert may have landed after all: read where the room stands next time
                return CompletableFuture.<Appended>failedFuture(MongoFailures.translate(error));
            }
            remember(roomId, seq); // taken, by whoever: the next append starts after it
            return duplicateOf(clientKey).thenCompose(earlier -> {
                if (earlier.isPresent()) {
                    // A retry of the same send, on another node, got in first.
                    return CompletableFuture.completedFuture(new Appended(earlier.get(), true));
                }
                if (conflicts + 1 >= MAX_CONFLICTS) {
                    return CompletableFuture.<Appended>failedFuture(new StorageUnavailableException(
                            "room " + roomId + " is too contended: no free seq after " + MAX_CONFLICTS + " tries"));
                }
                if (conflicts < BLIND_RETRIES) {
                    return claim(message, clientKey, seq + 1, conflicts + 1); // seq exists: the next may be free
                }
                return readLastSeq(roomId).thenCompose(last -> claim(message, clientKey, last + 1, conflicts + 1));
            });
        }).thenCompose(result -> result);
    }

    /** The last seq this node knows to be taken in the room, read from the store when it knows none. */
    private CompletableFuture<Long> lastSeq(RoomId roomId) {
        Long known;
        synchronized (lastSeqs) {
            known = lastSeqs.get(roomId);
        }
        return known != null ? CompletableFuture.completedFuture(known) : readLastSeq(roomId);
    }

    /** The room's highest stored seq, from the store (an index seek on MongoDB). */
    private CompletableFuture<Long> readLastSeq(RoomId roomId) {
        return Reactive.first(messages.find(Filters.eq("room_id", roomId.value()))
                        .sort(Sorts.descending("seq")).projection(Projections.include("seq")).limit(1).first())
                .thenApply(last -> last.map(document -> Documents.number(document, "seq")).orElse(0L));
    }

    private void remember(RoomId roomId, long seq) {
        synchronized (lastSeqs) {
            lastSeqs.merge(roomId, seq, Math::max);
        }
    }

    /** Another node took this seq: this node's next append to the room starts after it, not on it. */
    @Override
    public void observed(RoomId roomId, long seq) {
        remember(roomId, seq);
    }

    private void forget(RoomId roomId) {
        synchronized (lastSeqs) {
            lastSeqs.remove(roomId);
        }
    }

    private CompletableFuture<Optional<ChatMessage>> duplicateOf(String clientKey) {
        return clientKey == null ? CompletableFuture.completedFuture(Optional.empty()) : byClientKey(clientKey);
    }

    private CompletableFuture<Optional<ChatMessage>> byClientKey(String clientKey) {
        return Reactive.first(messages.find(Filters.eq("client_key", clientKey)).first())
                .thenApply(found -> found.map(MongoMessageStore::message));
    }

    @Override
    public CompletionStage<List<ChatMessage>> history(RoomId roomId, int limit, Instant before, Long beforeSeq) {
        List<Bson> conditions = new ArrayList<>(List.of(Filters.eq("room_id", roomId.value())));
        if (beforeSeq != null) {
            conditions.add(Filters.lt("seq", beforeSeq));
        }
        if (before != null) {
            conditions.add(Filters.lt("timestamp", Documents.date(before)));
        }
        return Reactive.all(messages.find(Filters.and(conditions)).sort(Sorts.descending("seq")).limit(limit))
                .thenApply(newestFirst -> {
                    List<ChatMessage> page = new ArrayList<>(newestFirst.stream().map(MongoMessageStore::message).toList());
                    if (before == null && beforeSeq == null) {
                        // The newest page: the room's last seq, worth remembering (a node reads it when it opens a room).
                        remember(roomId, page.isEmpty() ? 0 : page.get(0).seq());
                    }
                    Collections.reverse(page);
                    return page;
                });
    }

    @Override
    public CompletionStage<List<ChatMessage>> since(RoomId roomId, long afterSeq, int limit) {
        return Reactive.all(messages.find(Filters.and(Filters.eq("room_id", roomId.value()), Filters.gt("seq", afterSeq)))
                        .sort(Sorts.ascending("seq"))
                        .limit(limit))
                .thenApply(found -> {
                    List<ChatMessage> page = found.stream().map(MongoMessageStore::message).toList();
                    if (!page.isEmpty()) {
                        remember(roomId, page.get(page.size() - 1).seq());
                    }
                    return page;
                });
    }

    static String clientKey(UserId userId, String clientId) {
        return userId.value() + "/" + clientId;
    }

    private static Document document(ChatMessage message, String clientKey) {
        Document document = new Document("id", message.id().value())
                .append("room_id", message.roomId().value())
                .append("user_id", message.userId().value())
                .append("username", message.username())
                .append("content", message.content())
                .append("timestamp", Documents.date(message.timestamp()))
                .append("attachments", message.attachments())
                .append("seq", message.seq());
        if (clientKey != null) {
            document.append("client_id", message.clientId()).append("client_key", clientKey);
        }
        return document;
    }

    static ChatMessage message(Document document) {
        return new ChatMessage(new MessageId(document.getString("id")), new RoomId(document.getString("room_id")),
                new UserId(document.getString("user_id")), document.getString("username"), document.getString("content"),
                Documents.instant(document, "timestamp"), Documents.strings(document, "attachments"),
                Documents.number(document, "seq"), document.getString("client_id"));
    }
}
