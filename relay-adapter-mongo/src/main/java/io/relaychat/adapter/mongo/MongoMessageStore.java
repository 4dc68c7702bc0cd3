package io.relaychat.adapter.mongo;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.reactivestreams.client.MongoCollection;
import io.relaychat.ports.model.Appended;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.DeliveryBatching;
import io.relaychat.ports.model.MessageId;
import io.relaychat.ports.model.NewMessage;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.StorageUnavailableException;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.MessageStore;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.conversions.Bson;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Collection {@code messages}, in the Python app's shape plus {@code seq} and, for idempotent sends,
 * {@code client_id} and {@code client_key}.
 * <p>
 * A message takes its room's seq by being inserted with it: the unique index on (room_id, seq) lets exactly
 * one insert have each seq, whichever node it comes from, and a loser simply tries the next one. So seqs
 * are dense, seq N+1 is only ever stored once N is, and an insert that fails takes no seq at all: the next
 * message gets the one it would have had. On one node, a room's appends go to the store one batch at a time:
 * whatever queued while a batch was on its way goes next, as one ordered insert of consecutive seqs, so a
 * slow reply or a busy room costs one round trip per batch instead of one per message. The room's last seq
 * is remembered, also from what other nodes publish ({@link #storedElsewhere}, told by {@link SeqHints}) and
 * from every read that sees the room's newest messages, so the usual append, even a node's first to a room
 * it has open, is a single insert. When another node took a seq meanwhile, the messages from there on try
 * the next one straight away (the one they lost to exists, so the seqs stay dense); only after a few such
 * misses does the batch read where the room stands.
 * <p>
 * With a history TTL, MongoDB deletes messages older than it, and a deleted seq would no longer be refused by the
 * unique index. So that no seq is ever given twice, every insert also raises the room's floor in
 * {@code message_seqs} (a document per room that never expires) to the batch's last seq, and where the room stands
 * is its newest message or, when every message has expired, its floor. A remembered seq is trusted for half the TTL
 * from when it was the room's newest, since a seq newer than it cannot have expired before then.
 */
final class MongoMessageStore implements MessageStore {
    static final String COLLECTION = "messages";
    static final String ID_INDEX = "messages_id_unique";
    /** Per room the highest seq ever inserted: {@code {_id: room id, seq}}. Written only while a history TTL is set. */
    static final String SEQ_FLOORS = "message_seqs";
    /** Seqs taken by others in a row before an append gives up; only many nodes racing for one room get near it. */
    private static final int MAX_CONFLICTS = 64;
    /**
     * Misses in a row answered by simply trying the next seq, before reading the room's last one. A miss costs
     * the same round trip as the read, and with the bus's hints a node is rarely more than a few seqs behind;
     * the read is for a node that was away.
     */
    private static final int BLIND_RETRIES = 8;
    /** Messages per insert at most: a busy room's backlog goes in a few round trips, none of them huge. */
    private static final int MAX_BATCH = 64;
    private static final int REMEMBERED_ROOMS = 10_000;
    /** Inserts out at once, each carrying several rooms' messages when the node is busy (see {@link CombinedInserts}). */
    private static final int INSERTS_IN_FLIGHT = 2;
    private static final InsertManyOptions ORDERED = new InsertManyOptions().ordered(true);

    /** What every read goes through: {@link #message(Document)} makes each found document a message. */
    private final MongoCollection<Document> messages;
    /**
     * Every room's inserts, a few at a time, each carrying what other rooms queued meanwhile. Sent as BSON already
     * ({@link MessageBson}), through the same collection seen with raw documents: the driver copies their bytes.
     */
    private final CombinedInserts<RawBsonDocument> inserts;
    /** Null while history is kept forever: then nothing expires and the unique index alone keeps seqs unique. */
    private final MongoCollection<Document> seqFloors;
    /** Messages expire, so every insert raises its room's floor. */
    private final boolean writesFloors;
    /** How long a remembered seq may be trusted; {@link Long#MAX_VALUE} while history is kept forever. */
    private final long hintLifetimeNanos;
    /** Appends waiting for their room's batch in flight; a room is here only while it has one. */
    private final Map<RoomId, ArrayDeque<Pending>> waitingByRoom = new HashMap<>();
    /** The last seq this node knows to be taken, per room; a hint, corrected by the unique index. */
    private final Map<RoomId, Hint> lastSeqs = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<RoomId, Hint> eldest) {
            return size() > REMEMBERED_ROOMS;
        }
    };

    /** A seq known to be taken, and when it was last seen as the room's newest (System.nanoTime). */
    private record Hint(long seq, long newestAt) {
    }

    /** History kept forever. */
    MongoMessageStore(MongoCollection<Document> messages) {
        this(messages, null, null, DeliveryBatching.NONE, Duration.ZERO);
    }

    /**
     * @param seqFloors  the {@link #SEQ_FLOORS} collection (null: none), written while {@code historyTtl} is set and
     *                   read whenever a room has no message: a floor written while messages expired, or by an import
     *                   of another store's counters, still holds once the TTL is gone
     * @param historyTtl how long MongoDB keeps a message (its TTL index); null when it keeps them forever
     * @param deliveries what the answers to each insert run through, so that its messages reach the transport together
     * @param batchWait  how long a message that finds no other waiting waits for others to share its insert
     */
    MongoMessageStore(MongoCollection<Document> messages, MongoCollection<Document> seqFloors, Duration historyTtl,
                      DeliveryBatching deliveries, Duration batchWait) {
        this.messages = messages;
        MongoCollection<RawBsonDocument> rawMessages = messages.withDocumentClass(RawBsonDocument.class);
        this.inserts = new CombinedInserts<>(documents -> Reactive.done(rawMessages.insertMany(documents, ORDERED)),
                INSERTS_IN_FLIGHT, deliveries, batchWait);
        this.seqFloors = seqFloors;
        this.writesFloors = historyTtl != null;
        if (writesFloors) {
            Objects.requireNonNull(seqFloors, "seqFloors");
        }
        this.hintLifetimeNanos = historyTtl == null ? Long.MAX_VALUE : historyTtl.dividedBy(2).toNanos();
    }

    /** One message on its way to the store, and who waits for the outcome. */
    private record Pending(NewMessage message, String clientKey, CompletableFuture<Appended> outcome) {
        void stored(ChatMessage stored) {
            outcome.complete(new Appended(stored, false));
        }
    }

    @Override
    public CompletionStage<Appended> append(NewMessage message) {
        String clientKey = message.clientId() == null ? null : clientKey(message.userId(), message.clientId());
        Pending pending = new Pending(message, clientKey, new CompletableFuture<>());
        boolean first;
        synchronized (waitingByRoom) {
            ArrayDeque<Pending> waiting = waitingByRoom.get(message.roomId());
            first = waiting == null;
            if (first) {
                waitingByRoom.put(message.roomId(), new ArrayDeque<>());
            } else {
                waiting.add(pending);
            }
        }
        if (first) {
            storeBatch(message.roomId(), List.of(pending));
        }
        return pending.outcome();
    }

    /** Stores one batch of a room's appends, then the next one that queued meanwhile, until none is left. */
    private void storeBatch(RoomId roomId, List<Pending> batch) {
        CompletableFuture<Void> done;
        try {
            done = store(batch);
        } catch (RuntimeException e) {
            done = CompletableFuture.failedFuture(e);
        }
        done.whenComplete((ignored, error) -> {
            if (error != null) {
                batch.forEach(pending -> pending.outcome().completeExceptionally(MongoFailures.translate(error)));
            }
            List<Pending> next = nextBatch(roomId);
            if (!next.isEmpty()) {
                storeBatch(roomId, next);
            }
        });
    }

    /**
     * The room's waiting appends, in arrival order, up to {@link #MAX_BATCH}. A second send with a client id
     * already in the batch waits for the next one, where it is found stored and answered as the retry it is.
     * Empty, and the room's queue gone, when nothing waits.
     */
    private List<Pending> nextBatch(RoomId roomId) {
        synchronized (waitingByRoom) {
            ArrayDeque<Pending> waiting = waitingByRoom.get(roomId);
            if (waiting.isEmpty()) {
                waitingByRoom.remove(roomId);
                return List.of();
            }
            List<Pending> batch = new ArrayList<>(Math.min(waiting.size(), MAX_BATCH));
            Set<String> clientKeys = new HashSet<>();
            while (!waiting.isEmpty() && batch.size() < MAX_BATCH) {
                String clientKey = waiting.peek().clientKey();
                if (clientKey != null && !clientKeys.add(clientKey)) {
                    break;
                }
                batch.add(waiting.poll());
            }
            return batch;
        }
    }

    /** Completes every append of the batch: stored, answered as a duplicate, or failed. */
    private CompletableFuture<Void> store(List<Pending> batch) {
        RoomId roomId = batch.get(0).message().roomId();
        return answerRetries(batch).thenCompose(fresh -> fresh.isEmpty()
                ? CompletableFuture.completedFuture(null)
                : lastSeq(roomId).thenCompose(last -> claim(fresh, last + 1, 0)));
    }

    /** Answers the appends whose client id is already stored (a retry costs one read and takes no seq); the rest. */
    private CompletableFuture<List<Pending>> answerRetries(List<Pending> batch) {
        List<String> clientKeys = batch.stream().map(Pending::clientKey).filter(Objects::nonNull).toList();
        if (clientKeys.isEmpty()) {
            return CompletableFuture.completedFuture(batch);
        }
        return Reactive.all(messages.find(Filters.in("client_key", clientKeys))).thenApply(found -> {
            Map<String, ChatMessage> stored = new HashMap<>();
            found.forEach(document -> stored.put(document.getString("client_key"), message(document)));
            List<Pending> fresh = new ArrayList<>(batch.size());
            for (Pending pending : batch) {
                ChatMessage earlier = pending.clientKey() == null ? null : stored.get(pending.clientKey());
                if (earlier != null) {
                    pending.outcome().complete(new Appended(earlier, true));
                } else {
                    fresh.add(pending);
                }
            }
            return fresh;
        });
    }

    /**
     * Inserts the batch with consecutive seqs from {@code seq}, in order: the store keeps the messages up to the
     * first that is refused. A seq taken by another node means the rest try again after it; a client id stored
     * by another node meanwhile means that append was a retry.
     */
    private CompletableFuture<Void> claim(List<Pending> batch, long seq, int conflicts) {
        RoomId roomId = batch.get(0).message().roomId();
        List<ChatMessage> numbered = new ArrayList<>(batch.size());
        List<RawBsonDocument> documents = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            ChatMessage stored = batch.get(i).message().withSeq(seq + i);
            numbered.add(stored);
            documents.add(MessageBson.document(stored, batch.get(i).clientKey()));
        }
        return insert(roomId, documents, seq + batch.size() - 1).thenCompose(outcome -> {
            Throwable error = outcome.error();
            if (error != null && MongoFailures.isWriteConcernFailure(error)) {
                // Stored perhaps, durable not known: nothing of the batch is confirmed. A retry with its client id
                // finds what landed; where the room stands is read again next time.
                forget(roomId);
                return CompletableFuture.<Void>failedFuture(MongoFailures.translate(error));
            }
            int inserted = outcome.inserted();
            for (int i = 0; i < inserted; i++) {
                batch.get(i).stored(numbered.get(i));
            }
            if (inserted > 0) {
                remember(roomId, seq + inserted - 1, true);
            }
            if (error == null) {
                return CompletableFuture.<Void>completedFuture(null);
            }
            if (!MongoFailures.isDuplicateKey(error)) {
                forget(roomId); // the insert may have landed after all: read where the room stands next time
                return CompletableFuture.<Void>failedFuture(MongoFailures.translate(error));
            }
            return afterConflict(batch.subList(inserted, batch.size()), seq + inserted, conflicts, error);
        });
    }

    /**
     * The ordered insert, and, while messages expire, the room's floor raised to the batch's last seq at the same
     * time: no longer, and the floor is never behind an acknowledged seq. Should the insert stop short, the floor is
     * ahead; it is read only once every message of the room has expired, and then costs a hole, never a seq twice.
     */
    private CompletableFuture<CombinedInserts.Outcome> insert(RoomId roomId, List<RawBsonDocument> documents,
                                                              long lastSeq) {
        CompletableFuture<CombinedInserts.Outcome> inserted = inserts.insert(documents);
        if (!writesFloors) {
            return inserted;
        }
        CompletableFuture<Void> floor = raiseFloor(roomId, lastSeq, true);
        // Answered once both are done, the insert's failure first. A floor that failed fails a batch that was stored,
        // as a write-concern error does (a retry finds it by client id), and never reads as a seq taken.
        return inserted.thenCompose(outcome -> floor.handle((done, floorError) ->
                outcome.error() != null || floorError == null ? outcome
                : new CombinedInserts.Outcome(0, new StorageUnavailableException("the seq floor of room " + roomId
                        + " could not be raised", MongoFailures.translate(floorError)))));
    }

    /** Two nodes creating a room's floor at once: the upsert that loses finds the document the other created. */
    private CompletableFuture<Void> raiseFloor(RoomId roomId, long seq, boolean mayRetry) {
        CompletableFuture<Void> raised = Reactive.done(seqFloors.updateOne(Filters.eq("_id", roomId.value()),
                Updates.max("seq", seq), new UpdateOptions().upsert(true)));
        return !mayRetry ? raised : raised.handle((done, error) -> error != null && MongoFailures.isDuplicateKey(error)
                ? raiseFloor(roomId, seq, false) : raised).thenCompose(next -> next);
    }

    /**
     * {@code refused}'s first message could not have {@code seq}: it is stored already (a retry, or a send
     * another node was handed and stored too), or the seq is taken.
     */
    private CompletableFuture<Void> afterConflict(List<Pending> refused, long seq, int conflicts, Throwable error) {
        Pending first = refused.get(0);
        RoomId roomId = first.message().roomId();
        CompletableFuture<Optional<ChatMessage>> stored = MongoFailures.isDuplicateOn(error, ID_INDEX)
                ? storedWhere(Filters.eq("id", first.message().id().value()))
                : duplicateOf(first.clientKey());
        return stored.thenCompose(earlier -> {
            if (earlier.isPresent()) {
                // Stored already, on another node; the seq may still be free.
                first.outcome().complete(new Appended(earlier.get(), true));
                List<Pending> rest = refused.subList(1, refused.size());
                return rest.isEmpty() ? CompletableFuture.completedFuture(null) : claim(rest, seq, conflicts);
            }
            remember(roomId, seq, false); // taken, by whoever: the next append starts after it
            if (conflicts + 1 >= MAX_CONFLICTS) {
                return CompletableFuture.failedFuture(new StorageUnavailableException(
                        "room " + roomId + " is too contended: no free seq after " + MAX_CONFLICTS + " tries"));
            }
            if (conflicts < BLIND_RETRIES) {
                return claim(refused, seq + 1, conflicts + 1); // seq exists: the next may be free
            }
            return readLastSeq(roomId).thenCompose(last -> claim(refused, last + 1, conflicts + 1));
        });
    }

    /**
     * The last seq this node knows to be taken in the room, read from the store when it knows none, or, while
     * messages expire, none it saw as the room's newest within half the TTL.
     */
    private CompletableFuture<Long> lastSeq(RoomId roomId) {
        Hint known;
        synchronized (lastSeqs) {
            known = lastSeqs.get(roomId);
        }
        boolean trusted = known != null && (hintLifetimeNanos == Long.MAX_VALUE
                || System.nanoTime() - known.newestAt() < hintLifetimeNanos);
        return trusted ? CompletableFuture.completedFuture(known.seq()) : readLastSeq(roomId);
    }

    /**
     * The room's highest stored seq, from the store (an index seek on MongoDB); when none is stored, the room's
     * floor: every message may have expired (under a TTL then or now), or been copied from another store as a counter
     * only, and their seqs are still taken.
     */
    private CompletableFuture<Long> readLastSeq(RoomId roomId) {
        return Reactive.first(messages.find(Filters.eq("room_id", roomId.value()))
                        .sort(Sorts.descending("seq")).projection(Projections.include("seq")).limit(1).first())
                .thenCompose(last -> last.isPresent()
                        ? CompletableFuture.completedFuture(Documents.number(last.get(), "seq"))
                        : floor(roomId))
                .thenApply(last -> {
                    remember(roomId, last, true);
                    return last;
                });
    }

    /** The room's floor in {@link #SEQ_FLOORS} (a read by _id), 0 without one: where a room with no message stands. */
    private CompletableFuture<Long> floor(RoomId roomId) {
        if (seqFloors == null) {
            return CompletableFuture.completedFuture(0L);
        }
        return Reactive.first(seqFloors.find(Filters.eq("_id", roomId.value())).first())
                .thenApply(floor -> floor.map(document -> Documents.number(document, "seq")).orElse(0L));
    }

    /**
     * Notes that {@code seq} is taken; {@code newest} when it was the room's newest seq as it was seen, which makes
     * the hint trusted from now for half the TTL (a seq seen only as taken keeps the trust it had).
     */
    private void remember(RoomId roomId, long seq, boolean newest) {
        long now = System.nanoTime();
        synchronized (lastSeqs) {
            Hint known = lastSeqs.get(roomId);
            if (known == null) {
                lastSeqs.put(roomId, new Hint(seq, newest ? now : now - hintLifetimeNanos));
            } else if (seq >= known.seq()) {
                lastSeqs.put(roomId, new Hint(seq, newest ? now : known.newestAt()));
            }
        }
    }

    /** Another node took this seq: this node's next append to the room starts after it, not on it. */
    void storedElsewhere(RoomId roomId, long seq) {
        remember(roomId, seq, true);
    }

    private void forget(RoomId roomId) {
        synchronized (lastSeqs) {
            lastSeqs.remove(roomId);
        }
    }

    private CompletableFuture<Optional<ChatMessage>> duplicateOf(String clientKey) {
        return clientKey == null ? CompletableFuture.completedFuture(Optional.empty())
                : storedWhere(Filters.eq("client_key", clientKey));
    }

    private CompletableFuture<Optional<ChatMessage>> storedWhere(Bson filter) {
        return Reactive.first(messages.find(filter).first()).thenApply(found -> found.map(MongoMessageStore::message));
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
                .thenCompose(newestFirst -> {
                    List<ChatMessage> page = new ArrayList<>(newestFirst.stream().map(MongoMessageStore::message).toList());
                    Collections.reverse(page);
                    if (before != null || beforeSeq != null) {
                        return CompletableFuture.completedFuture(page);
                    }
                    // The newest page: where the room stands, worth remembering (a node reads it when it opens a
                    // room, and its first append would otherwise read it again: a scan on a store without the index).
                    // A room with no message stands at its floor.
                    if (!page.isEmpty()) {
                        remember(roomId, page.get(page.size() - 1).seq(), true);
                        return CompletableFuture.completedFuture(page);
                    }
                    return floor(roomId).thenApply(floor -> {
                        remember(roomId, floor, true);
                        return page;
                    });
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
                        remember(roomId, page.get(page.size() - 1).seq(), page.size() < limit);
                    }
                    return page;
                });
    }

    static String clientKey(UserId userId, String clientId) {
        return userId.value() + "/" + clientId;
    }

    /**
     * A stored message as this collection keeps it, as {@link MongoImport} writes it; appends write the same fields as
     * bytes ({@link MessageBson}), and a test holds the two to one shape.
     */
    static Document document(ChatMessage message, String clientKey) {
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

    /** Stops the timer of the inserts' batch wait; what waits still goes out. */
    void close() {
        inserts.close();
    }
}
