package io.relaychat.adapter.sqlite;

import io.relaychat.ports.model.Appended;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.out.MessageStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.relaychat.testkit.Fixtures.aMessage;
import static io.relaychat.testkit.Fixtures.newId;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A figure, not an assertion: how many appends one writer group-commits per second on this machine, with
 * synchronous=FULL (one fsync per commit), when many senders keep it busy. The appends' correctness (every room's
 * seqs dense) is asserted; the rate is printed.
 */
class GroupCommitThroughputTest {
    private static final int APPENDS = 20_000;
    private static final int ROOMS = 50;

    @TempDir
    Path folder;

    @Test
    void manyConcurrentAppendsAreCommittedInFewTransactionsAndEveryRoomStaysDense() {
        AtomicLong commitNanos = new AtomicLong();
        WriteQueue.Committer timed = connection -> {
            long begin = System.nanoTime();
            connection.commit();
            commitNanos.addAndGet(System.nanoTime() - begin);
        };
        try (SqliteStorage storage = SqliteStorage.open(
                SqliteSettings.in(folder).withMaxQueuedWrites(SqliteSettings.UNBOUNDED), timed)) {
            MessageStore store = storage.messages();
            List<RoomId> rooms = new ArrayList<>();
            for (int i = 0; i < ROOMS; i++) {
                rooms.add(new RoomId(newId()));
            }
            long commitsBefore = storage.writer().commits();
            long start = System.nanoTime();
            List<CompletableFuture<Appended>> appends = new ArrayList<>(APPENDS);
            for (int i = 0; i < APPENDS; i++) {
                appends.add(store.append(aMessage().in(rooms.get(i % ROOMS)).saying("message " + i).build())
                        .toCompletableFuture());
            }
            CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS).join();
            long elapsed = System.nanoTime() - start;
            long commits = storage.writer().commits() - commitsBefore;

            Map<RoomId, Long> last = new HashMap<>();
            for (CompletableFuture<Appended> append : appends) {
                var message = append.join().message();
                assertEquals(last.getOrDefault(message.roomId(), 0L) + 1, message.seq(), "dense per room, in order");
                last.put(message.roomId(), message.seq());
            }
            System.out.printf("SQLite group commit: %d appends in %d ms = %.0f appends/s, %d commits (%.1f appends each),"
                            + " %d ms of them in commit (fsync), synchronous=FULL%n", APPENDS,
                    TimeUnit.NANOSECONDS.toMillis(elapsed), APPENDS / (elapsed / 1e9), commits, (double) APPENDS / commits,
                    TimeUnit.NANOSECONDS.toMillis(commitNanos.get()));
        }
    }
}
