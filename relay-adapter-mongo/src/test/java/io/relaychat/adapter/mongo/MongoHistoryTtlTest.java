package io.relaychat.adapter.mongo;

import com.mongodb.client.model.Filters;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.out.MessageStore;
import io.relaychat.testkit.Fixtures;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.relaychat.testkit.Await.result;
import static io.relaychat.testkit.Fixtures.aMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * RELAY_HISTORY_TTL_DAYS on MongoDB: the TTL index on the message timestamp follows the setting from one start-up to
 * the next (created, changed in place, dropped for "forever"), and expiry never makes a room's seqs start again. The
 * in-process server keeps no TTL index and deletes nothing by itself, so {@link IndexCatalogueBackend} keeps the
 * index, and the tests delete what MongoDB's TTL monitor would.
 */
@IntegrationTest
class MongoHistoryTtlTest {
    private static final long DAY = 86_400;
    private static IndexCatalogueBackend backend;
    private static InProcessMongo mongo;

    @BeforeAll
    static void start() {
        backend = new IndexCatalogueBackend();
        mongo = new InProcessMongo(backend);
    }

    @AfterAll
    static void stop() {
        mongo.close();
    }

    private static String freshDatabase() {
        return "test_" + UUID.randomUUID().toString().replace("-", "");
    }

    private static MongoStorage open(String database, Duration ttl) {
        return mongo.openStorage(MongoSettings.of(mongo.connectionString(), database).withHistoryTtl(ttl));
    }

    @Test
    void theTtlIndexIsCreatedThenChangedInPlaceThenDroppedAsTheSettingChanges() {
        String database = freshDatabase();
        backend.ttlIndexCommands();

        open(database, Duration.ofDays(30));
        assertEquals(30 * DAY, ((Number) backend.ttlIndex(database).get("expireAfterSeconds")).longValue());
        assertEquals(List.of("createIndexes"), backend.ttlIndexCommands());

        open(database, Duration.ofDays(30));
        assertEquals(List.of(), backend.ttlIndexCommands(), "a node starting with the same setting changes nothing");

        open(database, Duration.ofDays(7));
        assertEquals(7 * DAY, ((Number) backend.ttlIndex(database).get("expireAfterSeconds")).longValue());
        assertEquals(List.of("collMod"), backend.ttlIndexCommands(), "changed in place: creating it again is refused");

        open(database, null);
        assertNull(backend.ttlIndex(database), "0 days: history is kept forever");
        assertEquals(List.of("dropIndexes"), backend.ttlIndexCommands());

        open(database, null);
        assertEquals(List.of(), backend.ttlIndexCommands());
    }

    @Test
    void aRoomWhoseMessagesHaveAllExpiredGoesOnFromItsLastSeq() {
        String database = freshDatabase();
        RoomId room = new RoomId(Fixtures.newId());
        MessageStore before = open(database, Duration.ofDays(30)).messages();
        for (int i = 0; i < 3; i++) {
            result(before.append(aMessage().in(room).build()));
        }
        expireEverything(database);

        // A node that never saw the room (or was restarted) reads where it stands.
        MessageStore after = open(database, Duration.ofDays(30)).messages();

        assertEquals(List.of(), result(after.history(room, 50, null, null)));
        assertEquals(4, result(after.append(aMessage().in(room).build())).message().seq(), "seqs 1 to 3 stay taken");
        assertEquals(5, result(before.append(aMessage().in(room).build())).message().seq());
    }

    @Test
    void aRoomWhoseOldestMessagesExpiredGoesOnAndResumesFromTheOldestKept() {
        String database = freshDatabase();
        RoomId room = new RoomId(Fixtures.newId());
        MessageStore store = open(database, Duration.ofDays(30)).messages();
        for (int i = 0; i < 5; i++) {
            result(store.append(aMessage().in(room).build()));
        }
        expire(database, 3);

        MessageStore restarted = open(database, Duration.ofDays(30)).messages();

        assertEquals(List.of(4L, 5L), result(restarted.since(room, 0, 100)).stream().map(m -> m.seq()).toList());
        assertEquals(6, result(restarted.append(aMessage().in(room).build())).message().seq());
    }

    private static void expireEverything(String database) {
        expire(database, Long.MAX_VALUE);
    }

    /** Deletes the messages up to a seq, as MongoDB's TTL monitor deletes the oldest. */
    private static void expire(String database, long upToSeq) {
        try (MongoClient client = MongoClients.create(mongo.connectionString())) {
            Reactive.done(client.getDatabase(database).getCollection(MongoMessageStore.COLLECTION)
                    .deleteMany(Filters.lte("seq", upToSeq))).join();
        }
    }
}
