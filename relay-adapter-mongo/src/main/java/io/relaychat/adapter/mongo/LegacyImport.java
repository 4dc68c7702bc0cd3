package io.relaychat.adapter.mongo;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Makes data written by the Python app usable: users get {@code email_lower} (for the case-insensitive
 * unique index), messages get a {@code seq} in timestamp order within their room and a BSON date for their
 * ISO-string timestamp. Runs at every start-up and finds nothing to do once done. Safe when several nodes
 * start together: each message is numbered by a conditional update (only while it has no seq), with the
 * room's next free seq, which the unique index on (room_id, seq) keeps from being given twice.
 */
final class LegacyImport {
    private static final Logger log = LoggerFactory.getLogger(LegacyImport.class);

    private LegacyImport() {
    }

    static CompletableFuture<Void> run(MongoDatabase database) {
        MongoCollection<Document> users = database.getCollection(MongoUserStore.COLLECTION);
        MongoCollection<Document> messages = database.getCollection(MongoMessageStore.COLLECTION);
        return importUsers(users).thenCompose(ignored -> importMessages(messages));
    }

    private static CompletableFuture<Void> importUsers(MongoCollection<Document> users) {
        return Reactive.all(users.find(Filters.exists("email_lower", false)).projection(Projections.include("email")))
                .thenCompose(legacy -> {
                    if (!legacy.isEmpty()) {
                        log.info("importing {} user(s) of the earlier app: adding email_lower", legacy.size());
                    }
                    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
                    for (Document user : legacy) {
                        String email = user.getString("email");
                        if (email == null) {
                            continue;
                        }
                        chain = chain.thenCompose(done -> Reactive.done(users.updateOne(
                                Filters.and(Filters.eq("_id", user.get("_id")), Filters.exists("email_lower", false)),
                                Updates.set("email_lower", MongoUserStore.emailKey(email)))));
                    }
                    return chain;
                });
    }

    private static CompletableFuture<Void> importMessages(MongoCollection<Document> messages) {
        return Reactive.all(messages.find(Filters.exists("seq", false))
                        .projection(Projections.include("room_id", "timestamp")))
                .thenCompose(legacy -> {
                    if (legacy.isEmpty()) {
                        return CompletableFuture.completedFuture(null);
                    }
                    log.info("importing {} message(s) of the earlier app: numbering them per room", legacy.size());
                    Map<String, List<Document>> byRoom = new LinkedHashMap<>();
                    for (Document message : legacy) {
                        byRoom.computeIfAbsent(message.getString("room_id"), room -> new ArrayList<>()).add(message);
                    }
                    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
                    for (Map.Entry<String, List<Document>> room : byRoom.entrySet()) {
                        List<Document> inOrder = new ArrayList<>(room.getValue());
                        inOrder.sort(Comparator.comparing((Document message) -> timestampOf(message))
                                .thenComparing(message -> message.get("_id").toString()));
                        for (Document message : inOrder) {
                            chain = chain.thenCompose(done -> number(messages, room.getKey(), message, 0));
                        }
                    }
                    return chain;
                });
    }

    private static CompletableFuture<Void> number(MongoCollection<Document> messages, String roomId, Document message,
                                                  int conflicts) {
        return Reactive.first(messages.find(Filters.eq("room_id", roomId)).sort(Sorts.descending("seq"))
                        .projection(Projections.include("seq")).limit(1).first())
                .thenCompose(last -> {
                    long next = last.filter(document -> document.containsKey("seq"))
                            .map(document -> Documents.number(document, "seq")).orElse(0L) + 1;
                    return Reactive.done(messages.updateOne(
                            Filters.and(Filters.eq("_id", message.get("_id")), Filters.exists("seq", false)),
                            Updates.combine(
                                    Updates.set("seq", next),
                                    Updates.set("timestamp", Documents.date(timestampOf(message))))));
                })
                .handle((ignored, error) -> {
                    if (error == null) {
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    if (MongoFailures.isDuplicateKey(error) && conflicts < 16) {
                        return number(messages, roomId, message, conflicts + 1); // another node numbered one first
                    }
                    return CompletableFuture.<Void>failedFuture(MongoFailures.translate(error));
                })
                .thenCompose(result -> result);
    }

    private static Instant timestampOf(Document message) {
        return Documents.instant(message, "timestamp");
    }
}
