package io.relaychat.adapter.mongo;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.Failures;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserAccount;
import org.bson.Document;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Writes records that another store kept into the collections, as they were: users, rooms and messages under their
 * own ids, messages with their seqs and client ids (and the client key the dedupe of a retried send looks for), in
 * the very documents the stores write. Each document is inserted only if no document has its id: one already there
 * is left exactly as it is, so running a copy again adds nothing. A document that another unique index refuses (an
 * email, a direct pair, a room's seq or a client key held by a different document) is not written and is reported
 * as a conflict, for the operator to look at; the rest of its page is written all the same.
 * <p>
 * Each room's seq floor ({@code message_seqs}) is raised to the room's counter, never lowered, so that with a history
 * TTL the seqs of messages that expired before the copy are not given again.
 */
public final class MongoImport {
    /** What writing one page did: documents added, documents already there, and a line per conflict. */
    public record Written(int added, int alreadyThere, List<String> conflicts) {
        public Written {
            conflicts = List.copyOf(conflicts);
        }
    }

    private final MongoCollection<Document> users;
    private final MongoCollection<Document> rooms;
    private final MongoCollection<Document> messages;
    private final MongoCollection<Document> seqFloors;

    MongoImport(MongoDatabase database) {
        this.users = database.getCollection(MongoUserStore.COLLECTION);
        this.rooms = database.getCollection(MongoRoomStore.COLLECTION);
        this.messages = database.getCollection(MongoMessageStore.COLLECTION);
        this.seqFloors = database.getCollection(MongoMessageStore.SEQ_FLOORS);
    }

    public CompletionStage<Written> users(List<UserAccount> accounts) {
        return insertIfAbsent(users, accounts, MongoUserStore::document,
                account -> "user " + account.user().id().value() + " (" + account.user().email() + ")");
    }

    public CompletionStage<Written> rooms(List<Room> page) {
        return insertIfAbsent(rooms, page, MongoRoomStore::document,
                room -> "room " + room.id().value() + " (" + room.name() + ")");
    }

    /** Messages, each with its own seq and client id; the client key is what a retry of that client id is found by. */
    public CompletionStage<Written> messages(List<ChatMessage> page) {
        return insertIfAbsent(messages, page,
                message -> MongoMessageStore.document(message, message.clientId() == null ? null
                        : MongoMessageStore.clientKey(message.userId(), message.clientId())),
                message -> "message " + message.id().value() + " (room " + message.roomId().value() + ", seq "
                        + message.seq() + ")");
    }

    /** Raises the room's seq floor to {@code seq}; a floor already higher stays as it is. */
    public CompletionStage<Void> raiseSeqFloor(RoomId roomId, long seq) {
        return raiseSeqFloor(roomId, seq, true);
    }

    /** Two writers creating a room's floor at once: the upsert that loses finds the document the other created. */
    private CompletableFuture<Void> raiseSeqFloor(RoomId roomId, long seq, boolean mayRetry) {
        CompletableFuture<Void> raised = Reactive.done(seqFloors.updateOne(Filters.eq("_id", roomId.value()),
                Updates.max("seq", seq), new UpdateOptions().upsert(true)));
        return !mayRetry ? raised : raised.handle((done, error) -> error != null && MongoFailures.isDuplicateKey(error)
                ? raiseSeqFloor(roomId, seq, false) : raised).thenCompose(next -> next);
    }

    /**
     * One unordered bulk write of upserts keyed on {@code id} that only ever insert ({@code $setOnInsert}): an upsert
     * counts as added, a match as already there, a refusal by another unique index as a conflict.
     */
    private static <T> CompletableFuture<Written> insertIfAbsent(MongoCollection<Document> collection, List<T> records,
                                                                 Function<T, Document> toDocument,
                                                                 Function<T, String> describe) {
        if (records.isEmpty()) {
            return CompletableFuture.completedFuture(new Written(0, 0, List.of()));
        }
        List<WriteModel<Document>> upserts = new ArrayList<>(records.size());
        for (T record : records) {
            Document document = toDocument.apply(record);
            Object id = document.remove("id"); // the filter's equality gives the inserted document its id
            upserts.add(new UpdateOneModel<>(Filters.eq("id", id), new Document("$setOnInsert", document),
                    new UpdateOptions().upsert(true)));
        }
        return Reactive.first(collection.bulkWrite(upserts, new BulkWriteOptions().ordered(false)))
                .handle((result, error) -> {
                    if (error == null) {
                        int added = result.map(BulkWriteResult::getUpserts).map(List::size).orElse(0);
                        return new Written(added, records.size() - added, List.of());
                    }
                    Throwable cause = Failures.cause(error);
                    if (!(cause instanceof MongoBulkWriteException bulk) || bulk.getWriteConcernError() != null
                            || bulk.getWriteErrors().stream().anyMatch(write ->
                                    ErrorCategory.fromErrorCode(write.getCode()) != ErrorCategory.DUPLICATE_KEY)) {
                        throw MongoFailures.rethrow(error);
                    }
                    List<String> conflicts = new ArrayList<>();
                    for (BulkWriteError refused : bulk.getWriteErrors()) {
                        conflicts.add(describe.apply(records.get(refused.getIndex())) + ": refused by a unique index, "
                                + "another document holds its key (" + refused.getMessage() + ")");
                    }
                    int added = bulk.getWriteResult().getUpserts().size();
                    return new Written(added, records.size() - added - conflicts.size(), conflicts);
                });
    }
}
