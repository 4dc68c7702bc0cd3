package io.relaychat.adapter.sqlite;

import io.relaychat.ports.model.RoomId;
import io.relaychat.testkit.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.relaychat.testkit.Fixtures.aMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The write-ahead log is copied back by the store's checkpointer, not by the writer: the writer's connection never
 * checkpoints, the log is emptied at close, and what was written is all in the database file then.
 */
class CheckpointerTest {

    @Test
    void theWritersConnectionLeavesTheLogAloneAndTheCheckpointerCopiesItBackAndEmptiesItAtClose(@TempDir Path folder)
            throws Exception {
        Path log = folder.resolve(SqliteStorage.DATABASE_FILE + "-wal");
        RoomId room = new RoomId(Fixtures.newId());
        try (SqliteStorage store = SqliteStorage.open(SqliteSettings.in(folder))) {
            int writersAutoCheckpoint = store.writer().<Integer>submit("read a pragma", connection -> {
                try (var sql = connection.createStatement(); var pages = sql.executeQuery("PRAGMA wal_autocheckpoint")) {
                    pages.next();
                    return pages.getInt(1);
                }
            }).toCompletableFuture().join();
            assertEquals(0, writersAutoCheckpoint, "the writer never checkpoints (SQLite's default: every 1000 pages)");
            List<CompletableFuture<?>> appends = new ArrayList<>();
            for (int i = 0; i < 3_000; i++) {
                appends.add(store.messages().append(aMessage().in(room).saying("m" + i + " " + "x".repeat(300)).build())
                        .toCompletableFuture());
            }
            CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new)).join();
            assertTrue(Files.size(log) > 1_000_000, "about a megabyte of log: " + Files.size(log));
        }

        assertTrue(!Files.exists(log) || Files.size(log) == 0, "emptied at close");
        try (SqliteStorage again = SqliteStorage.open(SqliteSettings.in(folder))) {
            assertEquals(3_000, again.messages().since(room, 0, 5_000).toCompletableFuture().join().size());
        }
    }

    @Test
    void whileTheStoreRunsTheLogIsCopiedBackAndStartedOverSoItStaysShort(@TempDir Path folder) throws Exception {
        Path log = folder.resolve(SqliteStorage.DATABASE_FILE + "-wal");
        RoomId room = new RoomId(Fixtures.newId());
        try (SqliteStorage store = SqliteStorage.open(SqliteSettings.in(folder))) {
            long longest = 0;
            long firstRound = 0;
            for (int round = 0; round < 6; round++) {
                List<CompletableFuture<?>> appends = new ArrayList<>();
                for (int i = 0; i < 1_000; i++) {
                    appends.add(store.messages().append(aMessage().in(room).saying("x".repeat(300)).build())
                            .toCompletableFuture());
                }
                CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new)).join();
                longest = Math.max(longest, Files.size(log));
                if (round == 0) {
                    firstRound = Files.size(log);
                }
                // the next round's writes start the log over once a checkpoint has copied all of it; two intervals,
                // as one that began while the round's last writes went in copies only what was committed before it
                Thread.sleep(2 * Checkpointer.DEFAULT_INTERVAL.toMillis() + 300);
            }
            assertTrue(longest <= 2 * firstRound, "the log holds about a round (" + firstRound + " bytes), not all six: "
                    + longest);
            assertTrue(Files.size(folder.resolve(SqliteStorage.DATABASE_FILE)) > 4 * firstRound / 3,
                    "the rounds are copied into the database file");
        }
    }
}
