package io.relaychat.adapter.sqlite;

import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;
import io.relaychat.testkit.Await;
import io.relaychat.testkit.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import static io.relaychat.testkit.Await.result;
import static io.relaychat.testkit.Fixtures.aMessage;
import static io.relaychat.testkit.Fixtures.newId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * RELAY_HISTORY_TTL_DAYS on the SQLite store: messages older than the TTL are deleted (at open, then every minute),
 * a room goes on from its last seq even when all its messages have expired, and a client id's dedupe lasts as long
 * as its message. The clock is the test's, moved forward between two opens of the same folder.
 */
class HistoryExpiryTest {
    private static final Duration TTL = Duration.ofDays(30);

    @TempDir
    Path folder;
    private final RoomId room = new RoomId(newId());
    private final UserId alice = new UserId(newId());

    private SqliteStorage open(Instant now) {
        return SqliteStorage.open(SqliteSettings.in(folder).withHistoryTtl(TTL).withClock(Clock.fixed(now, ZoneOffset.UTC)));
    }

    @Test
    void messagesOlderThanTheTtlAreDeletedAndTheRoomGoesOnFromItsLastSeq() {
        Instant start = Fixtures.now();
        try (SqliteStorage storage = open(start)) {
            result(storage.messages().append(aMessage().in(room).from(alice).withClientId("old").at(start.minus(Duration.ofDays(10))).build()));
            result(storage.messages().append(aMessage().in(room).at(start.minus(Duration.ofDays(1))).build()));
            result(storage.messages().append(aMessage().in(room).at(start).build()));
        }

        try (SqliteStorage later = open(start.plus(Duration.ofDays(27)))) {
            Await.until("the oldest message expired at open", Duration.ofSeconds(10),
                    () -> seqs(result(later.messages().since(room, 0, 100))).equals(List.of(2L, 3L)));
            ChatMessage again = result(later.messages().append(aMessage().in(room).from(alice).withClientId("old").build()))
                    .message();
            assertEquals(4, again.seq(), "a retry of an expired message is a new message, and its seq is new too");
        }

        try (SqliteStorage muchLater = open(start.plus(Duration.ofDays(400)))) {
            Await.until("every message expired", Duration.ofSeconds(10),
                    () -> result(muchLater.messages().history(room, 50, null, null)).isEmpty());
            assertEquals(5, result(muchLater.messages().append(aMessage().in(room).at(start.plus(Duration.ofDays(400)))
                    .build())).message().seq(), "seqs 1 to 4 stay taken");
        }
    }

    @Test
    void withoutATtlNothingExpires() {
        Instant longAgo = Instant.parse("2020-01-01T00:00:00Z");
        try (SqliteStorage storage = SqliteStorage.open(SqliteSettings.in(folder))) {
            result(storage.messages().append(aMessage().in(room).at(longAgo).build()));
        }
        try (SqliteStorage reopened = SqliteStorage.open(SqliteSettings.in(folder)
                .withClock(Clock.offset(Clock.system(ZoneId.of("UTC")), Duration.ofDays(3650))))) {
            assertFalse(result(reopened.messages().history(room, 50, null, null)).isEmpty());
        }
    }

    private static List<Long> seqs(List<ChatMessage> messages) {
        return messages.stream().map(ChatMessage::seq).toList();
    }
}
