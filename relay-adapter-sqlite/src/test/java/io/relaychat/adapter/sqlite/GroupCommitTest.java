package io.relaychat.adapter.sqlite;

import io.relaychat.ports.model.Appended;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.DeliveryBatching;
import io.relaychat.ports.model.Failures;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.MessageStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import static io.relaychat.testkit.Await.failure;
import static io.relaychat.testkit.Await.result;
import static io.relaychat.testkit.Fixtures.aGroupRoom;
import static io.relaychat.testkit.Fixtures.aMessage;
import static io.relaychat.testkit.Fixtures.newId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The writer: writes queued meanwhile share one transaction and one commit; nothing is reported stored before its
 * commit; a commit that fails fails exactly its batch, as "storage unavailable", and takes its seqs back; a write a
 * constraint refuses fails alone; and no caller ever waits for the disk.
 */
class GroupCommitTest {
    @TempDir
    Path folder;
    private final ScriptedCommits commits = new ScriptedCommits();
    private final RoomId room = new RoomId(newId());
    private final UserId alice = new UserId(newId());
    private SqliteStorage storage;

    private MessageStore open() {
        return open(SqliteSettings.in(folder));
    }

    private MessageStore open(SqliteSettings settings) {
        storage = SqliteStorage.open(settings, commits);
        return storage.messages();
    }

    @AfterEach
    void close() {
        commits.release();
        storage.close();
    }

    @Test
    void givenACommitUnderWay_thenWritesQueuedMeanwhileShareTheNextFewCommits() throws InterruptedException {
        MessageStore store = open();
        commits.holdNext();
        CompletableFuture<Appended> first = store.append(aMessage().in(room).build()).toCompletableFuture();
        commits.awaitHeld();
        CompletableFuture<String> completedOn = first.thenApply(appended -> Thread.currentThread().getName());
        List<CompletableFuture<Appended>> queued = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            queued.add(store.append(aMessage().in(room).saying("m" + i).build()).toCompletableFuture());
        }

        assertFalse(first.isDone(), "not reported stored while its commit is under way");
        assertTrue(queued.stream().noneMatch(CompletableFuture::isDone), "append only queues: the caller never waits");
        long before = storage.writer().commits();
        commits.release();

        // Asked before waiting on first itself: a thread waiting on a future may run its callbacks.
        assertEquals("relay-sqlite-writer", result(completedOn), "futures complete on the writer, never on the caller");
        assertEquals(1, result(first).message().seq());
        assertEquals(LongStream.rangeClosed(2, 601).boxed().toList(),
                queued.stream().map(a -> result(a).message().seq()).toList(), "in the order they came");
        assertEquals(before + 1 + 3, storage.writer().commits(),
                "the held commit, then 600 writes in batches of at most 256: 3 commits, not 600");
    }

    @Test
    void givenABatchCommitted_thenItsWritesCompleteTogetherInOneRunOfTheDeliveryBatching() throws InterruptedException {
        AtomicInteger runs = new AtomicInteger();
        ThreadLocal<Integer> running = new ThreadLocal<>();
        DeliveryBatching recording = completions -> {
            running.set(runs.incrementAndGet());
            try {
                completions.run();
            } finally {
                running.remove();
            }
        };
        MessageStore store = open(SqliteSettings.in(folder).withDeliveries(recording));
        commits.holdNext();
        CompletableFuture<Appended> first = store.append(aMessage().in(room).build()).toCompletableFuture();
        commits.awaitHeld();
        List<CompletableFuture<Integer>> completedIn = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            completedIn.add(store.append(aMessage().in(room).saying("m" + i).build()).toCompletableFuture()
                    .thenApply(appended -> running.get()));
        }
        long before = storage.writer().commits();
        commits.release();

        result(first);
        List<Integer> runOfEach = completedIn.stream().map(completion -> result(completion)).toList();
        assertTrue(runOfEach.stream().allMatch(Objects::nonNull),
                "every write completed inside a run of the batching: " + runOfEach);
        assertEquals(storage.writer().commits() - before - 1, runOfEach.stream().distinct().count(),
                "one run per committed batch (300 writes in batches of at most 256), not one per write");
    }

    @Test
    void givenAWriteWaitedOutTheBatchWaitBehindACommit_thenItsBatchIsCommittedWithoutWaitingAgain() throws Exception {
        Duration wait = Duration.ofSeconds(2);
        MessageStore store = open(SqliteSettings.in(folder).withBatch(256, wait));
        commits.holdNext();
        CompletableFuture<Appended> first = store.append(aMessage().in(room).build()).toCompletableFuture();
        commits.awaitHeld();
        CompletableFuture<Appended> second = store.append(aMessage().in(room).saying("behind").build())
                .toCompletableFuture();
        Thread.sleep(wait.toMillis() + 200); // the second has waited its batch wait out behind the held commit

        commits.release();

        // Counted from when it was taken rather than queued, the wait would hold it 2 s more.
        assertEquals(2, second.get(wait.toMillis() * 3 / 4, TimeUnit.MILLISECONDS).message().seq(),
                "committed as soon as the writer is free, not a whole wait later");
        assertEquals(1, result(first).message().seq());
    }

    @Test
    void givenACommitFails_thenExactlyItsBatchFailsAsUnavailableAndItsRetriesTakeTheSameSeqs() throws InterruptedException {
        MessageStore store = open();
        commits.holdNext();
        CompletableFuture<Appended> committed = store.append(aMessage().in(room).from(alice).withClientId("c-0").build())
                .toCompletableFuture();
        commits.awaitHeld();
        List<CompletionStage<Appended>> lost = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            lost.add(store.append(aMessage().in(room).from(alice).withClientId("c-" + i).build()));
        }
        commits.failNext();
        commits.release(); // the held batch commits; the next one, the three appends, fails

        ChatMessage kept = result(committed).message();
        for (CompletionStage<Appended> append : lost) {
            Throwable error = failure(append);
            assertTrue(Failures.isUnavailable(error), "storage unavailable, so the sender may retry: " + error);
        }
        assertEquals(List.of(kept), result(store.history(room, 50, null, null)), "nothing of the failed batch is stored");

        List<Long> retried = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            Appended retry = result(store.append(aMessage().in(room).from(alice).withClientId("c-" + i).build()));
            assertFalse(retry.duplicate(), "the failed write was not stored, so its retry is new");
            retried.add(retry.message().seq());
        }
        assertEquals(List.of(2L, 3L, 4L), retried, "the failed batch took its seqs back: no hole");
    }

    @Test
    void givenSQLiteRolledFailedBatchesBackItselfAsOnAFullDisk_thenOnceSpaceIsBackTheRetriesAreCommittedAndAnsweredStored() {
        MessageStore store = open();
        commits.diskFull(true);
        List<CompletionStage<Appended>> lost = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            lost.add(store.append(aMessage().in(room).from(alice).withClientId("c-" + i).build()));
        }
        for (CompletionStage<Appended> append : lost) {
            assertTrue(Failures.isUnavailable(failure(append)), "storage unavailable while the disk is full");
        }
        assertEquals(List.of(), result(store.history(room, 50, null, null)), "nothing of the failed batches is stored");

        commits.diskFull(false);
        List<Long> retried = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            Appended retry = result(store.append(aMessage().in(room).from(alice).withClientId("c-" + i).build()));
            assertFalse(retry.duplicate(), "the failed write was not stored, so its retry is new");
            retried.add(retry.message().seq());
        }
        assertEquals(List.of(1L, 2L, 3L), retried, "the writer goes on, each retry answered stored with its seq");
        assertEquals(3, result(store.history(room, 50, null, null)).size());
    }

    @Test
    void givenTheWriterIsBehindByTheBound_thenTheNextWriteIsRefusedAtOnceAsUnavailableAndLaterOnesAreTakenAgain()
            throws InterruptedException {
        MessageStore store = open(SqliteSettings.in(folder).withMaxQueuedWrites(5));
        commits.holdNext();
        CompletableFuture<Appended> held = store.append(aMessage().in(room).build()).toCompletableFuture();
        commits.awaitHeld();
        List<CompletableFuture<Appended>> waiting = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            waiting.add(store.append(aMessage().in(room).build()).toCompletableFuture());
        }

        CompletableFuture<Appended> over = store.append(aMessage().in(room).from(alice).withClientId("over").build())
                .toCompletableFuture();

        assertTrue(over.isCompletedExceptionally(), "refused at once, not queued");
        assertTrue(Failures.isUnavailable(failure(over)), "as storage unavailable, which the sender may retry");
        commits.release();
        result(held);
        assertEquals(List.of(2L, 3L, 4L, 5L, 6L), waiting.stream().map(a -> result(a).message().seq()).toList());
        Appended retry = result(store.append(aMessage().in(room).from(alice).withClientId("over").build()));
        assertFalse(retry.duplicate());
        assertEquals(7, retry.message().seq());
    }

    @Test
    void aWriteAConstraintRefusesFailsAloneAndTheRestOfItsBatchIsCommitted() throws InterruptedException {
        MessageStore store = open();
        Room general = aGroupRoom().build();
        result(storage.rooms().insert(general));
        commits.holdNext();
        CompletableFuture<Appended> holder = store.append(aMessage().in(room).build()).toCompletableFuture();
        commits.awaitHeld();
        CompletionStage<Appended> before = store.append(aMessage().in(room).build());
        CompletionStage<Void> sameIdAgain = storage.rooms().insert(general);
        CompletionStage<Appended> after = store.append(aMessage().in(room).build());
        commits.release();

        result(holder);
        assertInstanceOf(IllegalStateException.class, failure(sameIdAgain), "a room id is used once");
        assertEquals(List.of(2L, 3L), List.of(result(before).message().seq(), result(after).message().seq()));
        assertEquals(3, result(store.history(room, 50, null, null)).size());
    }
}
