package io.relaychat.adapter.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import io.relaychat.ports.in.ClusterEvents;
import io.relaychat.ports.model.Appended;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.NewMessage;
import io.relaychat.ports.model.RoomEvent;
import io.relaychat.ports.model.DeliveryBatching;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.MessageStore;
import io.relaychat.testkit.Fixtures;
import io.relaychat.testkit.IntegrationTest;
import io.relaychat.testkit.RecordingClusterEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static io.relaychat.testkit.Await.result;
import static io.relaychat.testkit.Fixtures.aMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The MongoDB side of the cluster callbacks ({@link MongoStorage#observing}): seqs other nodes publish reach
 * this node's message store as hints, and everything reaches the core as it was.
 */
@IntegrationTest
class SeqHintsTest {
    private static InProcessMongo mongo;

    @BeforeAll
    static void start() {
        mongo = new InProcessMongo();
    }

    @AfterAll
    static void stop() {
        mongo.close();
    }

    @Test
    void aSeqAnotherNodePublishedSavesTheNextAppendTheInsertsItWouldLoseToIt() {
        String database = "test_" + UUID.randomUUID().toString().replace("-", "");
        MessageStore otherNode = mongo.openStorage(database).messages();
        AtomicInteger inserts = new AtomicInteger();
        try (MongoClient client = countingInserts(inserts)) {
            MongoMessageStore here = new MongoMessageStore(client.getDatabase(database).getCollection(MongoMessageStore.COLLECTION));
            RecordingClusterEvents core = new RecordingClusterEvents();
            ClusterEvents hints = new SeqHints(here, core);
            RoomId hinted = new RoomId(Fixtures.newId());
            RoomId unhinted = new RoomId(Fixtures.newId());
            ChatMessage hintedLast = fiveTakenByTheOtherNodeAfterOneFromHere(here, otherNode, hinted);
            fiveTakenByTheOtherNodeAfterOneFromHere(here, otherNode, unhinted);
            RoomEvent posted = new RoomEvent.MessagePosted(hintedLast);

            hints.published(posted);
            inserts.set(0);
            ChatMessage next = result(here.append(aMessage().in(hinted).build())).message();
            int insertsWithHint = inserts.getAndSet(0);
            ChatMessage unhintedNext = result(here.append(aMessage().in(unhinted).build())).message();

            assertEquals(7, next.seq());
            assertEquals(1, insertsWithHint, "one insert: none lost to the seqs the other node took");
            assertEquals(7, unhintedNext.seq());
            assertEquals(6, inserts.get(), "without the hint the append loses an insert to each of the five");
            assertEquals(List.of(posted), core.published(), "the event went on to the core");
        }
    }

    /** Seq 1 from {@code here}, then seqs 2 to 6 from the other node; answers the last. */
    private static ChatMessage fiveTakenByTheOtherNodeAfterOneFromHere(MessageStore here, MessageStore otherNode,
                                                                      RoomId room) {
        result(here.append(aMessage().in(room).build()));
        ChatMessage last = null;
        for (int i = 0; i < 5; i++) {
            last = result(otherNode.append(aMessage().in(room).build())).message();
        }
        assertEquals(6, last.seq());
        return last;
    }

    private static MongoClient countingInserts(AtomicInteger inserts) {
        CommandListener counter = new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                if (event.getCommandName().equals("insert")) {
                    inserts.incrementAndGet();
                }
            }
        };
        return MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(mongo.connectionString())).addCommandListener(counter).build());
    }

    @Test
    void everyCallReachesTheCoreAsItWasMade() {
        RecordingClusterEvents core = new RecordingClusterEvents();
        CompletableFuture<Appended> storedByTheCore = new CompletableFuture<>();
        core.storingWith(message -> storedByTheCore);
        ClusterEvents observing = mongo.openStorage().observing(core);
        RoomId room = new RoomId(Fixtures.newId());
        UserId ann = new UserId(Fixtures.newId());
        RoomEvent posted = new RoomEvent.MessagePosted(aMessage().in(room).build().withSeq(3));
        RoomEvent typing = new RoomEvent.Typing(room, ann, "ann");
        NewMessage send = aMessage().in(room).build();

        observing.published(posted);
        observing.published(typing);
        observing.busResumed();
        assertSame(storedByTheCore, observing.forwarded(send), "the core's own answer comes back");
        observing.presenceExpired(room, Map.of(ann, "ann"));

        assertEquals(List.of(posted, typing), core.published());
        assertEquals(1, core.resumedCount());
        assertEquals(List.of(send), core.forwarded());
        assertEquals(List.of(new RecordingClusterEvents.Expiry(room, Map.of(ann, "ann"))), core.expiries());
    }

    /**
     * A node opens a room by reading its newest page; when the room has no message yet, where it stands is its floor,
     * read by id, and the first append goes straight to its seq: no read of the messages, which on a store without
     * the index (the stand-in) is a scan of every room's messages.
     */
    @Test
    void anEmptyRoomOpenedByItsNewestPageTakesItsFirstSeqWithoutReadingTheMessagesAgain() {
        String database = "test_" + UUID.randomUUID().toString().replace("-", "");
        AtomicInteger messageReads = new AtomicInteger();
        CommandListener counter = new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                if (event.getCommandName().equals("find")
                        && MongoMessageStore.COLLECTION.equals(event.getCommand().getString("find").getValue())) {
                    messageReads.incrementAndGet();
                }
            }
        };
        try (MongoClient client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(mongo.connectionString())).addCommandListener(counter).build())) {
            var db = client.getDatabase(database);
            MongoMessageStore here = new MongoMessageStore(db.getCollection(MongoMessageStore.COLLECTION),
                    db.getCollection(MongoMessageStore.SEQ_FLOORS), null, DeliveryBatching.NONE, Duration.ZERO);
            RoomId room = new RoomId(Fixtures.newId());

            assertEquals(List.of(), result(here.history(room, 50, null, null)));
            messageReads.set(0);
            ChatMessage first = result(here.append(aMessage().in(room).build())).message();

            assertEquals(1, first.seq());
            assertEquals(0, messageReads.get(), "the first append read the messages again");
        }
    }
}
