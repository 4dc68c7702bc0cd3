package io.relaychat.adapter.mongo;

import io.relaychat.ports.model.Appended;
import io.relaychat.ports.model.Blob;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.NewMessage;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.StorageUnavailableException;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.MessageStore;
import io.relaychat.testkit.Fixtures;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

import static io.relaychat.testkit.Await.failure;
import static io.relaychat.testkit.Await.result;
import static io.relaychat.testkit.Fixtures.aGroupRoom;
import static io.relaychat.testkit.Fixtures.aMessage;
import static io.relaychat.testkit.Fixtures.aPrivateRoom;
import static io.relaychat.testkit.Fixtures.anAccount;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Durability: what the adapter asks MongoDB to confirm before a write counts, and what it answers when MongoDB
 * applied a write but could not confirm it (a write-concern error): "storage unavailable", never a fault and
 * never a confirmation, so that the client retries and the retry is found by its client key.
 */
@IntegrationTest
class MongoWriteConcernTest {
    private static WriteConcernBackend backend;
    private static InProcessMongo mongo;

    @BeforeAll
    static void start() {
        backend = new WriteConcernBackend();
        mongo = new InProcessMongo(backend);
    }

    @AfterAll
    static void stop() {
        mongo.close();
    }

    @AfterEach
    void confirmAgain() {
        backend.confirmWriteConcerns();
    }

    private static String freshDatabase() {
        return "test_" + UUID.randomUUID().toString().replace("-", "");
    }

    @Test
    void writesWaitForAMajorityOfJournalsByDefault() {
        MongoStorage storage = mongo.openStorage();
        backend.writeConcernsAsked();

        result(storage.messages().append(aMessage().build()));
        result(storage.rooms().insert(aGroupRoom().build()));

        assertEquals(List.of(majorityJournaled(), majorityJournaled()), backend.writeConcernsAsked());
    }

    @Test
    void aWriteConcernInTheConnectionStringIsUsedAsWritten() {
        MongoStorage storage = mongo.openStorage(MongoSettings.of(mongo.connectionString() + "/?w=1", freshDatabase()));
        backend.writeConcernsAsked();

        result(storage.messages().append(aMessage().build()));

        assertEquals(List.of(new de.bwaldvogel.mongo.bson.Document("w", 1)), backend.writeConcernsAsked());
    }

    @Test
    void aSendWhoseWriteConcernFailsIsUnavailableAndItsRetryIsAnsweredWithTheStoredMessage() {
        MessageStore store = mongo.openStorage().messages();
        NewMessage send = aMessage().withClientId("c-1").saying("applied, not confirmed").build();
        backend.failWriteConcerns();

        assertInstanceOf(StorageUnavailableException.class, failure(store.append(send)));

        backend.confirmWriteConcerns();
        NewMessage retry = aMessage().in(send.roomId()).from(send.userId()).withClientId("c-1")
                .saying("applied, not confirmed").build();
        Appended answer = result(store.append(retry));
        assertTrue(answer.duplicate(), "the retry finds the message the first attempt stored");
        assertEquals(send.withSeq(1), answer.message());
        assertEquals(2, result(store.append(aMessage().in(send.roomId()).build())).message().seq());
    }

    @Test
    void aBatchWhoseWriteConcernFailsConfirmsNoneOfItsMessages() {
        MessageStore store = mongo.openStorage().messages();
        RoomId room = new RoomId(Fixtures.newId());
        NewMessage handedOn = aMessage().in(room).saying("stored before").build();
        result(store.append(handedOn));
        backend.failWriteConcerns();

        // The first goes alone; the two queued behind it go as one insert, which stores the first of them and
        // refuses the second (its id is stored already) — and the reply carries a write-concern error as well.
        List<CompletionStage<Appended>> appends = List.of(
                store.append(aMessage().in(room).saying("alone").build()),
                store.append(aMessage().in(room).saying("batched").build()),
                store.append(handedOn));

        for (CompletionStage<Appended> append : appends) {
            assertInstanceOf(StorageUnavailableException.class, failure(append));
        }
        backend.confirmWriteConcerns();
        List<ChatMessage> landed = result(store.since(room, 0, 100));
        assertEquals(List.of("stored before", "alone", "batched"), landed.stream().map(ChatMessage::content).toList(),
                "applied all the same, as MongoDB does");
        assertEquals(List.of(1L, 2L, 3L), landed.stream().map(ChatMessage::seq).toList());
        assertEquals(4, result(store.append(aMessage().in(room).build())).message().seq(),
                "the next message follows what landed");
    }

    @Test
    void everyOtherWriteWhoseWriteConcernFailsIsUnavailable() {
        MongoStorage storage = mongo.openStorage();
        UserId ann = new UserId(Fixtures.newId());
        UserId bob = new UserId(Fixtures.newId());
        Room room = aGroupRoom().withMembers(ann).build();
        result(storage.rooms().insert(room));
        backend.failWriteConcerns();

        assertUnavailable(storage.users().insertIfEmailFree(anAccount("wc@example.com", "wc")));
        assertUnavailable(storage.rooms().insert(aGroupRoom().withMembers(ann).build()));
        assertUnavailable(storage.rooms().addMember(room.id(), bob));
        assertUnavailable(storage.rooms().findOrInsertDirect(aPrivateRoom().directBetween(ann, bob).build()));
        assertUnavailable(storage.blobs().put("wc.txt", new Blob("x".getBytes(StandardCharsets.UTF_8), "text/plain")));
    }

    private static void assertUnavailable(CompletionStage<?> write) {
        assertInstanceOf(StorageUnavailableException.class, failure(write));
    }

    /** A majority of journals, waited for no longer than the store's timeout. */
    private static de.bwaldvogel.mongo.bson.Document majorityJournaled() {
        return new de.bwaldvogel.mongo.bson.Document("w", "majority")
                .append("wtimeout", (int) MongoSettings.DEFAULT_TIMEOUT.toMillis()).append("j", true);
    }
}
