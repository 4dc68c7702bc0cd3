package io.relaychat.adapter.mongo;

import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Makes MongoDB's expiry of messages match the configured history TTL: a TTL index on the message timestamp,
 * created when missing, changed in place with {@code collMod} when it holds another value (creating it again with
 * the new one would be refused and stop the start-up), dropped when history is to be kept forever. Every node does
 * it at start-up; doing it again changes nothing. Messages still carrying the earlier app's string timestamps do
 * not expire until the import has made them dates, which it does first.
 */
final class HistoryTtl {
    static final String INDEX = "messages_timestamp_ttl";
    private static final Logger log = LoggerFactory.getLogger(HistoryTtl.class);

    private HistoryTtl() {
    }

    /** @param ttl how long a message is kept; null for forever */
    static CompletableFuture<Void> apply(MongoDatabase database, Duration ttl) {
        return apply(database, ttl, true);
    }

    private static CompletableFuture<Void> apply(MongoDatabase database, Duration ttl, boolean mayRetry) {
        MongoCollection<Document> messages = database.getCollection(MongoMessageStore.COLLECTION);
        return Reactive.all(messages.listIndexes()).thenCompose(indexes -> {
            Optional<Document> existing = find(indexes);
            if (ttl == null) {
                if (existing.isEmpty()) {
                    return CompletableFuture.completedFuture(null);
                }
                log.info("history is kept forever: dropping the TTL index {} on messages", INDEX);
                return Reactive.done(messages.dropIndex(INDEX));
            }
            long seconds = ttl.toSeconds();
            if (existing.isEmpty()) {
                log.info("messages expire {} after their timestamp: creating the TTL index {}", describe(ttl), INDEX);
                CompletableFuture<Void> created = Reactive.done(messages.createIndex(Indexes.ascending("timestamp"),
                        new IndexOptions().name(INDEX).expireAfter(seconds, TimeUnit.SECONDS)));
                // Another node may have created it with another value meanwhile: then it is changed like any other.
                return !mayRetry ? created : created.handle((done, error) -> error == null
                        ? CompletableFuture.<Void>completedFuture(null)
                        : apply(database, ttl, false)).thenCompose(next -> next);
            }
            Object current = existing.get().get("expireAfterSeconds");
            if (current instanceof Number number && number.longValue() == seconds) {
                return CompletableFuture.completedFuture(null);
            }
            log.info("messages expire {} after their timestamp: changing the TTL index {} from {} s", describe(ttl), INDEX,
                    current);
            Document collMod = new Document("collMod", MongoMessageStore.COLLECTION)
                    .append("index", new Document("name", INDEX).append("expireAfterSeconds", seconds));
            return Reactive.done(database.runCommand(collMod));
        });
    }

    private static Optional<Document> find(List<Document> indexes) {
        return indexes.stream().filter(index -> INDEX.equals(index.getString("name"))).findFirst();
    }

    /** "30 days", or seconds when it is not a whole number of days. */
    static String describe(Duration ttl) {
        return ttl.toSeconds() % 86_400 == 0 ? ttl.toDays() + " days" : ttl.toSeconds() + " s";
    }
}
