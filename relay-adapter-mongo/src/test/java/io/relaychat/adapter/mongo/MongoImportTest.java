package io.relaychat.adapter.mongo;

import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserAccount;
import io.relaychat.testkit.Fixtures;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.relaychat.testkit.Await.result;
import static io.relaychat.testkit.Fixtures.aGroupRoom;
import static io.relaychat.testkit.Fixtures.aMessage;
import static io.relaychat.testkit.Fixtures.anAccount;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Records of another store written in with their ids and seqs: the stores read them as their own (a retried client
 * id answered with the copied message, the room's next seq after the copied ones), writing them again adds nothing
 * and changes nothing, a record another document's unique key holds is reported, and a room's seq floor is never
 * lowered.
 */
@IntegrationTest
class MongoImportTest {
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
    void copiedRecordsAreReadAsTheStoresOwnAndASecondCopyAddsAndChangesNothing() {
        MongoStorage storage = mongo.openStorage(freshDatabase());
        UserAccount alice = anAccount("Alice@example.com", "alice");
        Room room = aGroupRoom().named("general").withMembers(alice.user().id()).build();
        List<ChatMessage> messages = new ArrayList<>();
        for (int seq = 1; seq <= 5; seq++) {
            messages.add(aMessage().in(room.id()).from(alice.user().id()).withClientId("c-" + seq).build().withSeq(seq));
        }
        MongoImport into = storage.importer();

        assertEquals(new MongoImport.Written(1, 0, List.of()), result(into.users(List.of(alice))));
        assertEquals(new MongoImport.Written(1, 0, List.of()), result(into.rooms(List.of(room))));
        assertEquals(new MongoImport.Written(5, 0, List.of()), result(into.messages(messages)));

        assertEquals(alice, result(storage.users().findAccountByEmail("alice@example.com")).orElseThrow());
        assertEquals(room, result(storage.rooms().findById(room.id())).orElseThrow());
        assertEquals(messages, result(storage.messages().since(room.id(), 0, 100)));
        var retry = result(storage.messages().append(aMessage().in(room.id()).from(alice.user().id()).withClientId("c-3").build()));
        assertTrue(retry.duplicate(), "a retry of a copied client id");
        assertEquals(messages.get(2), retry.message());

        result(storage.rooms().removeMember(room.id(), alice.user().id()));
        assertEquals(new MongoImport.Written(0, 1, List.of()), result(into.users(List.of(alice))));
        assertEquals(new MongoImport.Written(0, 1, List.of()), result(into.rooms(List.of(room))));
        assertEquals(new MongoImport.Written(0, 5, List.of()), result(into.messages(messages)));
        assertEquals(List.of(), result(storage.rooms().findById(room.id())).orElseThrow().members(),
                "a room already there is left as it is");
        assertEquals(6, result(storage.messages().append(aMessage().in(room.id()).build())).message().seq(),
                "the next message after the copied ones");
        assertEquals(6, result(storage.messages().since(room.id(), 0, 100)).size());
    }

    @Test
    void aRecordWhoseUniqueKeyAnotherDocumentHoldsIsReportedAndTheRestOfItsPageIsWritten() {
        MongoStorage storage = mongo.openStorage(freshDatabase());
        UserAccount there = anAccount("bob@example.com", "bob");
        result(storage.users().insertIfEmailFree(there));
        UserAccount sameEmail = anAccount("BOB@example.com", "robert");
        UserAccount other = anAccount("carol@example.com", "carol");
        RoomId room = new RoomId(Fixtures.newId());
        ChatMessage native1 = result(storage.messages().append(aMessage().in(room).build())).message();

        ChatMessage onTheNativesSeq = aMessage().in(room).build().withSeq(native1.seq());
        ChatMessage next = aMessage().in(room).build().withSeq(2);

        MongoImport.Written users = result(storage.importer().users(List.of(sameEmail, other)));
        MongoImport.Written messages = result(storage.importer().messages(List.of(onTheNativesSeq, next)));

        assertEquals(1, users.added());
        assertEquals(1, users.conflicts().size());
        assertTrue(users.conflicts().get(0).contains(sameEmail.user().id().value()), users.conflicts().toString());
        assertEquals(there, result(storage.users().findAccountByEmail("bob@example.com")).orElseThrow(), "not overwritten");
        assertEquals(1, messages.added());
        assertEquals(1, messages.conflicts().size(), "seq 1 is another message's");
        assertEquals(List.of(native1.id(), next.id()),
                result(storage.messages().since(room, 0, 10)).stream().map(ChatMessage::id).toList());
    }

    @Test
    void aRoomsSeqFloorIsRaisedAndNeverLoweredSoThatAfterExpiryItsSeqsAreNotGivenAgainWithOrWithoutATtl() {
        String database = freshDatabase();
        RoomId room = new RoomId(Fixtures.newId());
        MongoImport into = mongo.openStorage(database).importer();

        result(into.raiseSeqFloor(room, 40));
        result(into.raiseSeqFloor(room, 12));

        RoomId other = new RoomId(Fixtures.newId());
        result(into.raiseSeqFloor(other, 7));

        MongoStorage withTtl = mongo.openStorage(MongoSettings.of(mongo.connectionString(), database)
                .withHistoryTtl(Duration.ofDays(30)));
        assertEquals(41, result(withTtl.messages().append(aMessage().in(room).build())).message().seq(),
                "a room whose copied messages had all expired goes on after the seqs it gave");
        MongoStorage keepingEverything = mongo.openStorage(database);
        assertEquals(8, result(keepingEverything.messages().append(aMessage().in(other).build())).message().seq(),
                "so does one on servers that keep every message from now on");
    }
}
