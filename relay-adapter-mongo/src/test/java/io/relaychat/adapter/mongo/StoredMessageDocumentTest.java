package io.relaychat.adapter.mongo;

import com.mongodb.client.model.Filters;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoDatabase;
import io.relaychat.ports.model.Appended;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.NewMessage;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.out.MessageStore;
import io.relaychat.testkit.Fixtures;
import io.relaychat.testkit.IntegrationTest;
import org.bson.BsonDocument;
import org.bson.BsonType;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.relaychat.testkit.Await.result;
import static io.relaychat.testkit.Fixtures.aMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Messages appended through the store, which writes them as bytes ({@link MessageBson}), against the real driver and
 * the in-process server: every read finds them as they were sent, and each stored document is, field by field and
 * type by type, what the store's {@link Document} of before was stored as.
 */
@IntegrationTest
class StoredMessageDocumentTest {
    /** Where the documents built the way of before are inserted, through a collection of {@link Document}s. */
    private static final String AS_BEFORE = "messages_as_before";
    private static InProcessMongo mongo;
    private static MongoClient client;

    @BeforeAll
    static void start() {
        mongo = new InProcessMongo();
        client = mongo.client();
    }

    @AfterAll
    static void stop() {
        mongo.close();
    }

    @Test
    void anAppendedMessageIsReadAsSentAndStoredAsItsDocumentOfBeforeWas() {
        String database = "test_" + UUID.randomUUID().toString().replace("-", "");
        MessageStore store = mongo.openStorage(database).messages();
        RoomId room = new RoomId(Fixtures.newId());
        Instant sentAt = Instant.parse("2025-05-01T10:00:00.123Z");
        NewMessage withClientId = aMessage().in(room).saying("héllo \uD83C\uDF89").at(sentAt)
                .withAttachments("/files/a.png", "/files/b.pdf").withClientId("c-1").build();
        NewMessage plain = aMessage().in(room).at(sentAt.plusSeconds(1)).build();

        ChatMessage first = result(store.append(withClientId)).message();
        ChatMessage second = result(store.append(plain)).message();
        Appended retry = result(store.append(aMessage().in(room).from(withClientId.userId()).withClientId("c-1")
                .build()));

        assertEquals(List.of(withClientId.withSeq(1), plain.withSeq(2)), result(store.history(room, 50, null, null)));
        assertEquals(List.of(first), result(store.history(room, 50, null, 2L)), "paged back by seq");
        assertEquals(List.of(first), result(store.history(room, 50, second.timestamp(), null)), "paged back by date");
        assertEquals(List.of(second), result(store.since(room, 1, 50)), "resumed after seq 1");
        assertTrue(retry.duplicate(), "the retry is found by its client key");
        assertEquals(first, retry.message());

        MongoDatabase db = client.getDatabase(database);
        assertStoredAsBefore(db, first, MongoMessageStore.clientKey(first.userId(), "c-1"));
        assertStoredAsBefore(db, second, null);
    }

    /** The document of before, inserted through a {@code Document} collection as the store did, read back beside it. */
    private static void assertStoredAsBefore(MongoDatabase db, ChatMessage message, String clientKey) {
        result(Reactive.done(db.getCollection(AS_BEFORE).insertOne(MongoMessageStore.document(message, clientKey))));
        BsonDocument asBefore = stored(db, AS_BEFORE, message);
        BsonDocument stored = stored(db, MongoMessageStore.COLLECTION, message);

        assertEquals(typesInOrder(asBefore), typesInOrder(stored), "field names, order and types");
        assertEquals(BsonType.OBJECT_ID, stored.get("_id").getBsonType());
        asBefore.remove("_id"); // an ObjectId each, made apart
        stored.remove("_id");
        assertEquals(asBefore, stored, "values");
    }

    private static BsonDocument stored(MongoDatabase db, String collection, ChatMessage message) {
        return result(Reactive.first(db.getCollection(collection, BsonDocument.class)
                .find(Filters.eq("id", message.id().value())).first()))
                .orElseThrow(() -> new AssertionError("message " + message.id() + " not in " + collection));
    }

    private static List<Map.Entry<String, BsonType>> typesInOrder(BsonDocument document) {
        return document.entrySet().stream().map(field -> Map.entry(field.getKey(), field.getValue().getBsonType()))
                .toList();
    }
}
