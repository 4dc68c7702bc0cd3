package io.relaychat.adapter.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoDatabase;
import io.relaychat.ports.model.Appended;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.NewMessage;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.StorageUnavailableException;
import io.relaychat.ports.model.User;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.MessageStore;
import io.relaychat.testkit.Fixtures;
import io.relaychat.testkit.IntegrationTest;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static io.relaychat.testkit.Await.failure;
import static io.relaychat.testkit.Await.result;
import static io.relaychat.testkit.Fixtures.aMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the MongoDB adapter does beyond the port contracts: several nodes, the earlier app's data, outages. */
@IntegrationTest
class MongoStorageTest {
    private static InProcessMongo mongo;

    @BeforeAll
    static void start() {
        mongo = new InProcessMongo();
    }

    @AfterAll
    static void stop() {
        mongo.close();
    }

    private static String freshDatabase() {
        return "test_" + UUID.randomUUID().toString().replace("-", "");
    }

    @Test
    void twoNodesWritingToOneRoomGetUniqueDenseSeqs() {
        String database = freshDatabase();
        MessageStore nodeA = mongo.openStorage(database).messages();
        MessageStore nodeB = mongo.openStorage(database).messages();
        RoomId room = new RoomId(Fixtures.newId());

        List<CompletableFuture<Appended>> appends = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            MessageStore node = i % 2 == 0 ? nodeA : nodeB;
            NewMessage message = aMessage().in(room).saying("m" + i).build();
            appends.add(CompletableFuture.supplyAsync(() -> node.append(message))
                    .thenCompose(CompletionStage::toCompletableFuture));
        }
        appends.forEach(append -> result(append));

        List<Long> stored = result(nodeA.since(room, 0, 1000)).stream().map(ChatMessage::seq).toList();
        assertEquals(LongStream.rangeClosed(1, 120).boxed().toList(), stored);
    }

    @Test
    void aRoomsBacklogGoesToTheStoreInAFewInsertsAndKeepsItsOrder() {
        AtomicInteger inserts = new AtomicInteger();
        CommandListener counter = new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                if (event.getCommandName().equals("insert")) {
                    inserts.incrementAndGet();
                }
            }
        };
        MongoClient client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(mongo.connectionString())).addCommandListener(counter).build());
        try {
            MessageStore store = new MongoMessageStore(
                    client.getDatabase(freshDatabase()).getCollection(MongoMessageStore.COLLECTION));
            RoomId room = new RoomId(Fixtures.newId());

            List<CompletionStage<Appended>> appends = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                appends.add(store.append(aMessage().in(room).saying("m" + i).build()));
            }

            List<String> bySeq = appends.stream().map(append -> result(append).message())
                    .sorted(Comparator.comparingLong(ChatMessage::seq)).map(ChatMessage::content).toList();
            assertEquals(IntStream.range(0, 200).mapToObj(i -> "m" + i).toList(), bySeq, "seqs follow the order of sending");
            assertEquals(LongStream.rangeClosed(1, 200).boxed().toList(),
                    result(store.since(room, 0, 1000)).stream().map(ChatMessage::seq).toList());
            assertTrue(inserts.get() <= 20, "200 queued messages took " + inserts.get() + " inserts");
        } finally {
            client.close();
        }
    }

    @Test
    void retriesSentToBothNodesWhileTheyRaceForSeqsAreStoredOnce() {
        String database = freshDatabase();
        MessageStore nodeA = mongo.openStorage(database).messages();
        MessageStore nodeB = mongo.openStorage(database).messages();
        RoomId room = new RoomId(Fixtures.newId());
        UserId alice = new UserId(Fixtures.newId());

        List<CompletionStage<Appended>> appends = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            NewMessage send = aMessage().in(room).from(alice).saying("m" + i).withClientId("c" + i).build();
            appends.add(nodeA.append(send));
            appends.add(nodeB.append(send)); // the same send again, through the other node
        }

        long fresh = appends.stream().filter(append -> !result(append).duplicate()).count();
        List<ChatMessage> stored = result(nodeA.since(room, 0, 1000));
        assertEquals(100, fresh);
        assertEquals(LongStream.rangeClosed(1, 100).boxed().toList(), stored.stream().map(ChatMessage::seq).toList());
        assertEquals(100, stored.stream().map(ChatMessage::clientId).distinct().count());
        for (CompletionStage<Appended> append : appends) {
            ChatMessage answered = result(append).message();
            assertEquals(stored.get((int) answered.seq() - 1), answered, "both nodes answer with the stored message");
        }
    }

    @Test
    void aNodeFarBehindTheOthersStillTakesTheNextSeqOnItsFirstTry() {
        String database = freshDatabase();
        MessageStore nodeA = mongo.openStorage(database).messages();
        MessageStore nodeB = mongo.openStorage(database).messages();
        RoomId room = new RoomId(Fixtures.newId());
        result(nodeB.append(aMessage().in(room).build()));
        for (int i = 0; i < 150; i++) {
            result(nodeA.append(aMessage().in(room).build()));
        }

        ChatMessage late = result(nodeB.append(aMessage().in(room).saying("from far behind").build())).message();

        assertEquals(152, late.seq(), "one behind by 150 reads where the room stands instead of walking there");
    }

    @Test
    void theEarlierAppsDataIsReadAndItsMessagesNumberedInTimeOrder() {
        String database = freshDatabase();
        try (MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoDatabase db = client.getDatabase(database);
            result(Reactive.done(db.getCollection("users").insertOne(new Document("id", "u-1")
                    .append("email", "Old@Example.com").append("username", "old")
                    .append("password", "$2b$12$legacyhashlegacyhashlegacyhashlegacyhashlegacyhashle")
                    .append("created_at", "2025-01-02T03:04:05.678901+00:00"))));
            result(Reactive.done(db.getCollection("rooms").insertOne(new Document("id", "r-1").append("name", "general")
                    .append("type", "group").append("members", List.of("u-1"))
                    .append("created_at", "2025-01-02T03:05:00+00:00").append("created_by", "u-1"))));
            for (String[] message : new String[][] {{"m-2", "second", "2025-01-02T04:00:00.5+00:00"},
                    {"m-1", "first", "2025-01-02T03:59:59+00:00"}, {"m-3", "third", "2025-01-02T04:00:01+00:00"}}) {
                result(Reactive.done(db.getCollection("messages").insertOne(new Document("id", message[0])
                        .append("room_id", "r-1").append("user_id", "u-1").append("username", "old")
                        .append("content", message[1]).append("timestamp", message[2]).append("attachments", List.of()))));
            }
        }

        MongoStorage storage = mongo.openStorage(database);

        User old = result(storage.users().findAccountByEmail("old@example.com")).orElseThrow().user();
        assertEquals(Instant.parse("2025-01-02T03:04:05.678901Z"), old.createdAt());
        assertEquals("general", result(storage.rooms().findById(new RoomId("r-1"))).orElseThrow().name());
        List<ChatMessage> history = result(storage.messages().history(new RoomId("r-1"), 50, null, null));
        assertEquals(List.of("first", "second", "third"), history.stream().map(ChatMessage::content).toList());
        assertEquals(List.of(1L, 2L, 3L), history.stream().map(ChatMessage::seq).toList());
        ChatMessage next = result(storage.messages().append(aMessage().in(new RoomId("r-1")).from(new UserId("u-1")).build())).message();
        assertEquals(4, next.seq());
        mongo.openStorage(database); // opening again finds nothing left to import and the indexes in place
        assertEquals(4, result(storage.messages().history(new RoomId("r-1"), 50, null, null)).size());
    }

    @Test
    void anUnreachableServerIsReportedAsStorageUnavailableWithinTheTimeout() {
        int closedPort = freePort();
        MongoSettings nowhere = MongoSettings.of("mongodb://127.0.0.1:" + closedPort, freshDatabase())
                .withTimeout(Duration.ofMillis(500));

        StorageUnavailableException error = assertThrows(StorageUnavailableException.class, () -> MongoStorage.open(nowhere));

        assertTrue(error.getMessage().contains("127.0.0.1:" + closedPort), error.getMessage());
    }

    @Test
    void aStoreThatGoesAwayFailsOperationsAsStorageUnavailable() throws Exception {
        try (InProcessMongo doomed = new InProcessMongo()) {
            MongoStorage storage = MongoStorage.open(MongoSettings.of(doomed.connectionString(), freshDatabase())
                    .withTimeout(Duration.ofMillis(500)));
            try {
                result(storage.users().findById(new UserId("anyone")));
                doomed.close();

                assertInstanceOf(StorageUnavailableException.class,
                        failure(storage.messages().append(aMessage().build())));
                assertInstanceOf(StorageUnavailableException.class,
                        failure(storage.users().findById(new UserId("anyone"))));
            } finally {
                storage.close();
            }
        }
    }

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
