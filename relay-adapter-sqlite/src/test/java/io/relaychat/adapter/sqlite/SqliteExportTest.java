package io.relaychat.adapter.sqlite;

import io.relaychat.ports.model.Appended;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserAccount;
import io.relaychat.ports.model.UserId;
import io.relaychat.testkit.Await;
import io.relaychat.testkit.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import static io.relaychat.testkit.Await.result;
import static io.relaychat.testkit.Fixtures.aGroupRoom;
import static io.relaychat.testkit.Fixtures.aMessage;
import static io.relaychat.testkit.Fixtures.aPrivateRoom;
import static io.relaychat.testkit.Fixtures.anAccount;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reading a whole store out for a copy: every record comes out once, page after page, as the store answers it; the
 * export holds the folder as a server does; a folder without a store is refused and left without one.
 */
class SqliteExportTest {
    @TempDir
    Path folder;

    @Test
    void givenMoreRecordsThanAPage_thenEachComesOutOnceInItsOrderWithWhatTheStoreKept() {
        List<UserAccount> accounts = new ArrayList<>();
        List<Room> rooms = new ArrayList<>();
        List<ChatMessage> busy = new ArrayList<>();
        RoomId busyRoom;
        try (SqliteStorage storage = SqliteStorage.open(SqliteSettings.in(folder))) {
            for (int i = 0; i < 5; i++) {
                UserAccount account = anAccount("user" + i + "@example.com", "user" + i);
                result(storage.users().insertIfEmailFree(account));
                accounts.add(account);
            }
            UserId first = accounts.get(0).user().id();
            UserId second = accounts.get(1).user().id();
            rooms.add(aGroupRoom().named("general").withMembers(first, second).build());
            rooms.add(aPrivateRoom().named("quiet").withMembers(second).build());
            rooms.add(aGroupRoom().named("empty").withMembers(first).build());
            for (Room room : rooms) {
                result(storage.rooms().insert(room));
            }
            result(storage.rooms().addMember(rooms.get(1).id(), first));
            busyRoom = rooms.get(0).id();
            // Queued all at once (the writer takes them in order), so that they share commits.
            List<CompletionStage<Appended>> appends = new ArrayList<>();
            for (int i = 0; i < 250; i++) {
                var message = aMessage().in(busyRoom).from(i % 2 == 0 ? first : second).saying("message " + i);
                if (i % 3 != 0) {
                    message = message.withClientId("c-" + i);
                }
                if (i == 7) {
                    message = message.withAttachments("/static/uploads/a.png");
                }
                appends.add(storage.messages().append(message.build()));
            }
            appends.forEach(append -> busy.add(result(append).message()));
            result(storage.messages().append(aMessage().in(rooms.get(1).id()).from(second).build()));
        }

        try (SqliteExport export = SqliteExport.open(folder)) {
            assertEquals(new SqliteExport.Counts(5, 3, 251), export.counts());

            List<UserAccount> users = pages(after -> export.users(after, 2), account -> account.user().id().value());
            assertEquals(sorted(accounts, account -> account.user().id().value()), users,
                    "every account once, with its password hash");

            List<Room> read = pages(after -> export.rooms(after, 2), room -> room.id().value());
            assertEquals(3, read.size());
            Room quiet = read.stream().filter(room -> room.id().equals(rooms.get(1).id())).findFirst().orElseThrow();
            assertEquals(List.of(accounts.get(1).user().id(), accounts.get(0).user().id()), quiet.members(),
                    "members in the order they joined");
            assertEquals(rooms.get(1).type(), quiet.type());

            List<ChatMessage> messages = new ArrayList<>();
            long afterSeq = 0;
            for (int page = 0; page < 10; page++) {
                List<ChatMessage> next = export.messages(busyRoom, afterSeq, 100);
                if (next.isEmpty()) {
                    break;
                }
                assertTrue(next.size() <= 100, "one page at a time");
                messages.addAll(next);
                afterSeq = next.get(next.size() - 1).seq();
            }
            assertEquals(busy, messages, "ids, seqs, client ids, times and attachments, in seq order");
            assertEquals(250, export.lastSeq(busyRoom));
            assertEquals(0, export.lastSeq(rooms.get(2).id()), "a room without messages has given no seq");
        }
    }

    @Test
    void whenEveryMessageOfARoomHasExpired_thenItsCounterStillSaysWhichSeqsWereGiven() {
        RoomId room = new RoomId(Fixtures.newId());
        Instant start = Fixtures.now();
        Duration ttl = Duration.ofDays(30);
        try (SqliteStorage storage = SqliteStorage.open(SqliteSettings.in(folder))) {
            for (int i = 0; i < 3; i++) {
                result(storage.messages().append(aMessage().in(room).at(start).build()));
            }
        }
        try (SqliteStorage later = SqliteStorage.open(SqliteSettings.in(folder).withHistoryTtl(ttl)
                .withClock(Clock.fixed(start.plus(Duration.ofDays(40)), ZoneOffset.UTC)))) {
            Await.until("every message expired", Duration.ofSeconds(10),
                    () -> result(later.messages().history(room, 10, null, null)).isEmpty());
        }
        try (SqliteExport export = SqliteExport.open(folder)) {
            assertEquals(List.of(), export.messages(room, 0, 10), "no message is stored");
            assertEquals(3, export.lastSeq(room), "seqs 1 to 3 stay taken");
        }
    }

    @Test
    void whileAStoreHoldsTheFolderTheExportIsRefusedNamingTheLockAndTheOtherWayRound() {
        try (SqliteStorage storage = SqliteStorage.open(SqliteSettings.in(folder))) {
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> SqliteExport.open(folder));
            assertTrue(refused.getMessage().contains(folder.resolve("relay.lock").toString()), refused.getMessage());
        }
        try (SqliteExport export = SqliteExport.open(folder)) {
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> SqliteStorage.open(SqliteSettings.in(folder)));
            assertTrue(refused.getMessage().contains("relay.lock"), refused.getMessage());
        }
        SqliteStorage.open(SqliteSettings.in(folder)).close(); // let go once the export is closed
    }

    @Test
    void aFolderWithoutADatabaseIsRefusedAndGetsNone() throws Exception {
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> SqliteExport.open(folder.resolve("absent")));
        assertTrue(missing.getMessage().contains("there is no data folder"), missing.getMessage());
        assertFalse(Files.exists(folder.resolve("absent")));

        IllegalStateException empty = assertThrows(IllegalStateException.class, () -> SqliteExport.open(folder));
        assertTrue(empty.getMessage().contains("relay.db is missing"), empty.getMessage());
        try (var left = Files.list(folder)) {
            assertEquals(0, left.count(), "neither a database nor a lock file was created");
        }
    }

    /** Every page from the first until an empty one, each starting after the key of the last record before it. */
    private static <T> List<T> pages(Function<String, List<T>> page, Function<T, String> key) {
        List<T> all = new ArrayList<>();
        String after = null;
        for (int i = 0; i < 100; i++) {
            List<T> next = page.apply(after);
            if (next.isEmpty()) {
                return all;
            }
            all.addAll(next);
            after = key.apply(next.get(next.size() - 1));
        }
        throw new AssertionError("more pages than records");
    }

    private static <T> List<T> sorted(List<T> records, Function<T, String> key) {
        return records.stream().sorted(Comparator.comparing(key)).toList();
    }
}
