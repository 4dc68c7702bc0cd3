package io.relaychat.testkit;

import io.relaychat.ports.model.Appended;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.NewMessage;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.MessageStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.LongStream;

import static io.relaychat.testkit.Await.result;
import static io.relaychat.testkit.Fixtures.aMessage;
import static io.relaychat.testkit.Fixtures.newId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What every {@link MessageStore} must do: each room's seqs start at 1 and stay dense and unique, also under
 * concurrent appends; a message comes back with every field as sent; a retry with the same client id from the
 * same user, or a message whose id is stored already, is stored once and answered with the earlier message as
 * a duplicate; history pages backwards by seq or timestamp, oldest first (a timestamp beyond any calendar a
 * store can hold is simply later or earlier than every message), and {@code since} reads forwards.
 * A store that keeps only each room's newest messages ({@link #newStoreKeepingNewest}) goes on with the room's
 * seqs, reads from before its oldest kept message start at that message, and stores a retry of a message it no
 * longer keeps again (under a new seq). Extend it with a fresh, empty store per test.
 */
public abstract class MessageStoreContract {
    protected MessageStore store;
    private final RoomId room = new RoomId(newId());
    private final UserId alice = new UserId(newId());

    protected abstract MessageStore newStore();

    /** A fresh store that keeps only each room's newest {@code count} messages; null where a store has no such bound. */
    protected MessageStore newStoreKeepingNewest(int count) {
        return null;
    }

    private MessageStore keepingNewest(int count) {
        MessageStore bounded = newStoreKeepingNewest(count);
        assumeTrue(bounded != null, "this store keeps every message: no bound per room to check");
        return bounded;
    }

    @BeforeEach
    void createStore() {
        store = newStore();
    }

    private ChatMessage append(NewMessage message) {
        return result(store.append(message)).message();
    }

    @Test
    void appendGivesEachRoomItsOwnSeqFromOne() {
        RoomId other = new RoomId(newId());

        assertEquals(1, append(aMessage().in(room).build()).seq());
        assertEquals(2, append(aMessage().in(room).build()).seq());
        assertEquals(1, append(aMessage().in(other).build()).seq());
        assertEquals(3, append(aMessage().in(room).build()).seq());
    }

    @Test
    void storedMessageKeepsEveryFieldExactly() {
        NewMessage sent = aMessage().in(room).from(alice).saying("héllo \uD83D\uDE00 <b>\"x\"</b>\n")
                .withAttachments("/static/uploads/a.png").withClientId("c-1").build();

        ChatMessage stored = append(sent);

        assertEquals(sent.withSeq(1), stored);
        assertEquals(List.of(stored), result(store.history(room, 50, null, null)));
    }

    @Test
    void concurrentAppendsGetUniqueDenseSeqs() {
        List<CompletableFuture<Appended>> appends = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            NewMessage message = aMessage().in(room).saying("m" + i).build();
            appends.add(CompletableFuture.supplyAsync(() -> store.append(message))
                    .thenCompose(CompletionStage::toCompletableFuture));
        }
        List<Long> seqs = appends.stream().map(a -> result(a).message().seq()).sorted().toList();

        assertEquals(LongStream.rangeClosed(1, 200).boxed().toList(), seqs);
    }

    @Test
    void retryWithSameClientIdIsStoredOnceAndAnswersTheOriginal() {
        ChatMessage original = append(aMessage().in(room).from(alice).saying("once").withClientId("k1").build());

        Appended retry = result(store.append(aMessage().in(room).from(alice).saying("once").withClientId("k1").build()));

        assertTrue(retry.duplicate());
        assertEquals(original, retry.message());
        assertEquals(1, result(store.history(room, 50, null, null)).size());
    }

    @Test
    void aMessageWhoseIdIsStoredIsAnsweredAsADuplicate() {
        NewMessage sent = aMessage().in(room).from(alice).saying("handed on").build();
        ChatMessage original = append(sent);

        Appended again = result(store.append(sent));

        assertTrue(again.duplicate());
        assertEquals(original, again.message());
        assertEquals(List.of(original), result(store.history(room, 50, null, null)));
    }

    @Test
    void sameClientIdFromAnotherUserIsADifferentMessage() {
        append(aMessage().in(room).from(alice).withClientId("k1").build());

        Appended other = result(store.append(aMessage().in(room).from(new UserId(newId())).withClientId("k1").build()));

        assertFalse(other.duplicate());
        assertEquals(2, other.message().seq());
    }

    @Test
    void concurrentRetriesOfOneClientIdStoreOne() {
        List<CompletableFuture<Appended>> retries = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            NewMessage message = aMessage().in(room).from(alice).withClientId("same").build();
            retries.add(CompletableFuture.supplyAsync(() -> store.append(message))
                    .thenCompose(CompletionStage::toCompletableFuture));
        }
        long stored = retries.stream().filter(r -> !result(r).duplicate()).count();

        assertEquals(1, stored);
        assertEquals(1, result(store.history(room, 50, null, null)).size());
    }

    @Test
    void historyIsTheNewestPageOldestFirst() {
        for (int i = 1; i <= 10; i++) {
            append(aMessage().in(room).saying("m" + i).build());
        }

        assertEquals(List.of(8L, 9L, 10L), seqs(result(store.history(room, 3, null, null))));
        assertEquals(List.of(), result(store.history(new RoomId(newId()), 3, null, null)));
    }

    @Test
    void historyPagesBackwardsBySeq() {
        for (int i = 1; i <= 10; i++) {
            append(aMessage().in(room).build());
        }

        assertEquals(List.of(4L, 5L, 6L), seqs(result(store.history(room, 3, null, 7L))));
        assertEquals(List.of(1L, 2L), seqs(result(store.history(room, 3, null, 3L))));
        assertEquals(List.of(), seqs(result(store.history(room, 3, null, 1L))));
    }

    @Test
    void historyPagesBackwardsByTimestamp() {
        Instant start = Fixtures.now().minusSeconds(100);
        for (int i = 0; i < 10; i++) {
            append(aMessage().in(room).at(start.plusSeconds(i)).build());
        }

        assertEquals(List.of(3L, 4L, 5L), seqs(result(store.history(room, 3, start.plusSeconds(5), null))));
    }

    @Test
    void historyBeforeAnInstantBeyondWhatAStoreHoldsIsEverythingOrNothing() {
        for (int i = 1; i <= 3; i++) {
            append(aMessage().in(room).build());
        }

        assertEquals(List.of(1L, 2L, 3L), seqs(result(store.history(room, 50, Instant.MAX, null))));
        assertEquals(List.of(1L, 2L, 3L),
                seqs(result(store.history(room, 50, Instant.parse("+999999999-12-31T23:59:59Z"), null))));
        assertEquals(List.of(1L, 2L), seqs(result(store.history(room, 50, Instant.MAX, 3L))), "with a seq cursor too");
        assertEquals(List.of(), seqs(result(store.history(room, 50, Instant.MIN, null))));
        assertEquals(List.of(), seqs(result(store.history(room, 50, Instant.parse("-999999999-01-01T00:00:00Z"), null))));
    }

    @Test
    void sinceReadsForwardFromASeq() {
        for (int i = 1; i <= 10; i++) {
            append(aMessage().in(room).build());
        }

        assertEquals(List.of(5L, 6L, 7L), seqs(result(store.since(room, 4, 3))));
        assertEquals(List.of(9L, 10L), seqs(result(store.since(room, 8, 100))));
        assertEquals(List.of(), seqs(result(store.since(room, 10, 100))));
        assertEquals(List.of(1L), seqs(result(store.since(room, 0, 1))));
    }

    @Test
    void aBoundedStoreDropsTheOldestAndTheSeqsGoOn() {
        store = keepingNewest(3);
        for (int i = 1; i <= 5; i++) {
            append(aMessage().in(room).build());
        }

        assertEquals(List.of(3L, 4L, 5L), seqs(result(store.history(room, 50, null, null))));
        assertEquals(6, append(aMessage().in(room).build()).seq(), "a seq is never given twice");
        assertEquals(List.of(4L, 5L, 6L), seqs(result(store.history(room, 50, null, null))));
        assertEquals(1, append(aMessage().in(new RoomId(newId())).build()).seq(), "the bound is per room");
    }

    @Test
    void readingFromBeforeTheOldestKeptStartsAtTheOldestKept() {
        store = keepingNewest(3);
        for (int i = 1; i <= 6; i++) {
            append(aMessage().in(room).build());
        }

        assertEquals(List.of(4L, 5L, 6L), seqs(result(store.since(room, 0, 100))), "a resume from seq 0");
        assertEquals(List.of(4L, 5L), seqs(result(store.since(room, 2, 2))), "a resume from a dropped seq");
        assertEquals(List.of(6L), seqs(result(store.since(room, 5, 100))));
        assertEquals(List.of(4L), seqs(result(store.history(room, 50, null, 5L))));
        assertEquals(List.of(), seqs(result(store.history(room, 50, null, 4L))), "nothing kept before the oldest");
        assertEquals(List.of(), seqs(result(store.history(room, 50, null, 2L))));
        assertEquals(List.of(), seqs(result(store.history(room, 50, null, Long.MIN_VALUE))));
        assertEquals(List.of(4L, 5L, 6L), seqs(result(store.since(room, Long.MIN_VALUE, 100))));
    }

    @Test
    void aRetryIsRecognisedWhileItsOriginalIsKeptAndStoredAgainAfter() {
        store = keepingNewest(2);
        ChatMessage original = append(aMessage().in(room).from(alice).withClientId("k1").build());
        append(aMessage().in(room).build());

        Appended kept = result(store.append(aMessage().in(room).from(alice).withClientId("k1").build()));
        append(aMessage().in(room).build());
        Appended afterDrop = result(store.append(aMessage().in(room).from(alice).withClientId("k1").build()));

        assertTrue(kept.duplicate());
        assertEquals(original, kept.message());
        assertFalse(afterDrop.duplicate(), "its original is no longer kept: a retry this late is a new message");
        assertEquals(4, afterDrop.message().seq());
        assertTrue(result(store.append(aMessage().in(room).from(alice).withClientId("k1").build())).duplicate());
    }

    private static List<Long> seqs(List<ChatMessage> messages) {
        return messages.stream().map(ChatMessage::seq).toList();
    }
}
