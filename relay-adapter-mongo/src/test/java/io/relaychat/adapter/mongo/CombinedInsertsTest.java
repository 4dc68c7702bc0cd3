package io.relaychat.adapter.mongo;

import com.mongodb.MongoSocketReadException;
import com.mongodb.ServerAddress;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoCollection;
import io.relaychat.ports.model.DeliveryBatching;
import io.relaychat.ports.model.Failures;
import org.bson.BsonDocument;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import static io.relaychat.testkit.Await.result;
import static io.relaychat.testkit.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rooms' inserts combined into few ordered inserts, against the real driver and the in-process server: what waits
 * while inserts are out goes together, a refused document stops only its own room's part, and the parts after it
 * are stored by the next insert. The documents are raw BSON, as the message store's are, so that the positions the
 * server names are those of the bytes the driver was handed.
 */
class CombinedInsertsTest {
    private static InProcessMongo mongo;
    private static MongoClient client;
    private MongoCollection<RawBsonDocument> collection;
    /** The documents of every insert sent, in order. */
    private final List<List<String>> sent = new CopyOnWriteArrayList<>();
    /** Holds the first insert back until completed, so that the ones asked for meanwhile must wait. */
    private final CompletableFuture<Void> firstMayGo = new CompletableFuture<>();

    @BeforeAll
    static void startServer() {
        mongo = new InProcessMongo();
        client = mongo.client();
    }

    @AfterAll
    static void stopServer() {
        mongo.close();
    }

    @BeforeEach
    void freshCollection() {
        collection = client.getDatabase("combined_" + UUID.randomUUID().toString().replace("-", ""))
                .getCollection("messages", RawBsonDocument.class);
        result(Reactive.done(collection.createIndex(Indexes.ascending("id"), new IndexOptions().unique(true))));
    }

    @Test
    void givenAnInsertOut_whenRoomsAskMeanwhile_thenTheyGoAsOneInsertWhenItReturns() {
        CombinedInserts<RawBsonDocument> inserts = new CombinedInserts<>(heldFirst(this::insertMany), 1,
                DeliveryBatching.NONE);

        CompletableFuture<CombinedInserts.Outcome> a = inserts.insert(List.of(doc("a1")));
        CompletableFuture<CombinedInserts.Outcome> b = inserts.insert(List.of(doc("b1"), doc("b2")));
        CompletableFuture<CombinedInserts.Outcome> c = inserts.insert(List.of(doc("c1")));
        assertEquals(List.of(List.of("a1")), sent, "b and c wait while a's insert is out");
        firstMayGo.complete(null);

        assertEquals(new CombinedInserts.Outcome(1, null), result(a));
        assertEquals(new CombinedInserts.Outcome(2, null), result(b));
        assertEquals(new CombinedInserts.Outcome(1, null), result(c));
        assertEquals(List.of(List.of("a1"), List.of("b1", "b2", "c1")), sent);
        assertEquals(List.of("a1", "b1", "b2", "c1"), stored());
    }

    @Test
    void givenADocumentRefusedMidway_thenItsRoomStopsThereAndTheRoomsAfterItAreStoredByTheNextInsert() {
        result(insertMany(List.of(doc("taken"))));
        CombinedInserts<RawBsonDocument> inserts = new CombinedInserts<>(heldFirst(this::insertMany), 1,
                DeliveryBatching.NONE);

        CompletableFuture<CombinedInserts.Outcome> a = inserts.insert(List.of(doc("a1")));
        CompletableFuture<CombinedInserts.Outcome> b = inserts.insert(List.of(doc("b1")));
        CompletableFuture<CombinedInserts.Outcome> c = inserts.insert(List.of(doc("c1"), doc("taken"), doc("c3")));
        CompletableFuture<CombinedInserts.Outcome> d = inserts.insert(List.of(doc("d1")));
        firstMayGo.complete(null);

        assertEquals(new CombinedInserts.Outcome(1, null), result(a));
        assertEquals(new CombinedInserts.Outcome(1, null), result(b));
        CombinedInserts.Outcome refused = result(c);
        assertEquals(1, refused.inserted(), "c1 is stored, the refused document and c3 are not");
        assertTrue(MongoFailures.isDuplicateKey(refused.error()), String.valueOf(refused.error()));
        assertEquals(new CombinedInserts.Outcome(1, null), result(d));
        assertEquals(List.of(List.of("a1"), List.of("b1", "c1", "taken", "c3", "d1"), List.of("d1")), sent);
        assertEquals(List.of("taken", "a1", "b1", "c1", "d1"), stored());
    }

    @Test
    void givenAFailureThatNamesNoDocument_thenEveryPartOfThatInsertFailsWithNoneStored() {
        MongoSocketReadException broken = new MongoSocketReadException("connection reset",
                new ServerAddress("127.0.0.1", 1));
        CombinedInserts<RawBsonDocument> inserts = new CombinedInserts<>(
                heldFirst(documents -> CompletableFuture.failedFuture(broken)), 1, DeliveryBatching.NONE);

        CompletableFuture<CombinedInserts.Outcome> a = inserts.insert(List.of(doc("a1")));
        CompletableFuture<CombinedInserts.Outcome> b = inserts.insert(List.of(doc("b1")));
        CompletableFuture<CombinedInserts.Outcome> c = inserts.insert(List.of(doc("c1"), doc("c2")));
        firstMayGo.complete(null);

        for (CompletableFuture<CombinedInserts.Outcome> part : List.of(a, b, c)) {
            CombinedInserts.Outcome outcome = result(part);
            assertEquals(0, outcome.inserted());
            assertSame(broken, Failures.cause(outcome.error()));
        }
        assertEquals(2, sent.size(), "a alone, then b and c together");
    }

    @Test
    void givenRoomsInOneInsert_thenTheirAnswersRunTogetherThroughTheDeliveryBatching() {
        List<CompletableFuture<CombinedInserts.Outcome>> parts = new CopyOnWriteArrayList<>();
        List<Long> answeredPerRun = new CopyOnWriteArrayList<>();
        DeliveryBatching counting = completions -> {
            long before = parts.stream().filter(CompletableFuture::isDone).count();
            completions.run();
            answeredPerRun.add(parts.stream().filter(CompletableFuture::isDone).count() - before);
        };
        CombinedInserts<RawBsonDocument> inserts = new CombinedInserts<>(heldFirst(this::insertMany), 1, counting);

        parts.add(inserts.insert(List.of(doc("a1"))));
        parts.add(inserts.insert(List.of(doc("b1"))));
        parts.add(inserts.insert(List.of(doc("c1"), doc("c2"))));
        firstMayGo.complete(null);

        until("both inserts answered", () -> answeredPerRun.size() == 2);
        assertEquals(List.of(1L, 2L), answeredPerRun, "a's insert, then b's and c's in one run");
    }

    @Test
    void givenManyInsertsOut_thenEachAskedForWhileOneIsFreeGoesAtOnce() {
        List<CompletableFuture<Void>> held = new ArrayList<>();
        CombinedInserts<RawBsonDocument> inserts = new CombinedInserts<>(documents -> {
            sent.add(ids(documents));
            CompletableFuture<Void> reply = new CompletableFuture<>();
            held.add(reply);
            return reply;
        }, 2, DeliveryBatching.NONE);

        inserts.insert(List.of(doc("a1")));
        inserts.insert(List.of(doc("b1")));
        CompletableFuture<CombinedInserts.Outcome> c = inserts.insert(List.of(doc("c1")));

        assertEquals(List.of(List.of("a1"), List.of("b1")), sent, "two out at once; c waits");
        held.get(0).complete(null);
        assertEquals(List.of(List.of("a1"), List.of("b1"), List.of("c1")), sent);
        held.get(2).complete(null);
        assertNull(result(c).error());
    }

    @Test
    void givenAnsweringFails_thenThatInsertsPartsAreFailedAndTheInsertsAfterItStillGo() {
        IllegalStateException broken = new IllegalStateException("batching broke");
        List<Integer> runs = new CopyOnWriteArrayList<>();
        DeliveryBatching failingOnce = completions -> {
            runs.add(runs.size());
            if (runs.size() == 1) {
                throw broken;
            }
            completions.run();
        };
        CombinedInserts<RawBsonDocument> inserts = new CombinedInserts<>(this::insertMany, 1, failingOnce);

        CombinedInserts.Outcome lost = result(inserts.insert(List.of(doc("a1"))));
        assertSame(broken, lost.error(), "not left waiting for ever");
        assertEquals(0, lost.inserted());

        CombinedInserts.Outcome next = result(inserts.insert(List.of(doc("b1"))));
        assertNull(next.error(), "the slot came back: the next insert went out");
        assertEquals(1, next.inserted());
    }

    @Test
    void givenALinger_whenRoomsAskWithinIt_thenTheyGoAsOneInsertAtItsEndAndNoneBefore() {
        try (CombinedInserts<RawBsonDocument> inserts = new CombinedInserts<>(recorded(this::insertMany), 2,
                DeliveryBatching.NONE, Duration.ofMillis(300))) {
            CompletableFuture<CombinedInserts.Outcome> a = inserts.insert(List.of(doc("a1")));
            CompletableFuture<CombinedInserts.Outcome> b = inserts.insert(List.of(doc("b1"), doc("b2")));
            assertEquals(List.of(), sent, "an insert is free, but the first document waits for company");

            CompletableFuture<CombinedInserts.Outcome> c = inserts.insert(List.of(doc("c1")));
            assertEquals(1, result(a).inserted());
            assertEquals(2, result(b).inserted());
            assertEquals(1, result(c).inserted());
            assertEquals(List.of(List.of("a1", "b1", "b2", "c1")), sent, "one insert for the three rooms");

            assertEquals(1, result(inserts.insert(List.of(doc("d1")))).inserted(), "the next linger ends too");
            assertEquals(List.of(List.of("a1", "b1", "b2", "c1"), List.of("d1")), sent);
        }
    }

    @Test
    void givenALinger_whenAFullInsertWaits_thenItGoesWithoutWaitingForTheLingersEnd() {
        List<RawBsonDocument> full = new ArrayList<>();
        for (int i = 0; i < 512; i++) {
            full.add(doc("f" + i));
        }
        try (CombinedInserts<RawBsonDocument> inserts = new CombinedInserts<>(recorded(this::insertMany), 2,
                DeliveryBatching.NONE, Duration.ofSeconds(30))) {
            CompletableFuture<CombinedInserts.Outcome> filled = inserts.insert(full);

            assertEquals(512, result(filled).inserted(), "sent at once, long before the 30 s linger ends");
        }
    }

    private Function<List<RawBsonDocument>, CompletableFuture<Void>> recorded(
            Function<List<RawBsonDocument>, CompletableFuture<Void>> send) {
        return documents -> {
            sent.add(ids(documents));
            return send.apply(documents);
        };
    }

    private Function<List<RawBsonDocument>, CompletableFuture<Void>> heldFirst(
            Function<List<RawBsonDocument>, CompletableFuture<Void>> send) {
        return documents -> {
            boolean first = sent.isEmpty();
            sent.add(ids(documents));
            return first ? firstMayGo.thenCompose(ignored -> send.apply(documents)) : send.apply(documents);
        };
    }

    private CompletableFuture<Void> insertMany(List<RawBsonDocument> documents) {
        return Reactive.done(collection.insertMany(documents, new InsertManyOptions().ordered(true)));
    }

    private List<String> stored() {
        return ids(result(Reactive.all(collection.find())));
    }

    private static List<String> ids(List<RawBsonDocument> documents) {
        return documents.stream().map(document -> document.getString("id").getValue()).toList();
    }

    /** With an ObjectId {@code _id} of its own, as {@link MessageBson} writes: the driver adds none to raw bytes. */
    private static RawBsonDocument doc(String id) {
        return new RawBsonDocument(new BsonDocument("_id", new BsonObjectId()).append("id", new BsonString(id)),
                new BsonDocumentCodec());
    }
}
