package io.relaychat.client;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoomSequencerTest {

    @Test
    void messagesInOrderGoStraightThrough() {
        RoomSequencer room = new RoomSequencer(0, 100);
        for (long seq = 1; seq <= 3; seq++) {
            assertEquals(List.of(seq), seqs(room.offer(message(seq))));
        }
        assertEquals(3, room.delivered());
        assertFalse(room.hasGap());
    }

    @Test
    void anEarlyMessageWaitsForTheOnesBeforeItThenAllGoInOrder() {
        RoomSequencer room = new RoomSequencer(10, 100);
        assertEquals(List.of(), seqs(room.offer(message(13))));
        assertEquals(List.of(), seqs(room.offer(message(12))));
        assertTrue(room.hasGap());
        assertArrayEquals(new long[] {10, 11}, room.gapToFill(100), "only 11 is missing");

        assertEquals(List.of(11L, 12L, 13L), seqs(room.offer(message(11))));
        assertFalse(room.hasGap());
        assertNull(room.gapToFill(100));
    }

    @Test
    void repeatsAreDroppedWhetherAlreadyDeliveredOrStillWaiting() {
        RoomSequencer room = new RoomSequencer(0, 100);
        room.offer(message(1));
        assertEquals(List.of(), seqs(room.offer(message(1))), "a resumed backlog overlapping what was delivered");
        room.offer(message(3));
        assertEquals(List.of(), seqs(room.offer(message(3))), "a retried send's echo of one still waiting");
        assertEquals(List.of(2L, 3L), seqs(room.offer(message(2))));
        assertEquals(List.of(), seqs(room.offer(message(2))));
    }

    @Test
    void startsAfterTheGivenSeqAndIgnoresWhatCameBefore() {
        RoomSequencer room = new RoomSequencer(41, 100);
        assertEquals(List.of(), seqs(room.offer(message(41))));
        assertEquals(List.of(42L), seqs(room.offer(message(42))));
    }

    @Test
    void historyFillsTheGapAndWhatItLacksIsSkipped() {
        RoomSequencer room = new RoomSequencer(0, 100);
        room.offer(message(1));
        room.offer(message(6));
        long[] gap = room.gapToFill(100);
        assertArrayEquals(new long[] {1, 5}, gap);

        // The store has 2 and 4; 3 and 5 took a seq but were never stored.
        List<ChatMessage> ready = room.filled(gap[0], gap[1], List.of(message(2), message(4)));

        assertEquals(List.of(2L, 4L, 6L), seqs(ready));
        assertEquals(6, room.delivered());
        assertFalse(room.hasGap());
        assertEquals(List.of(), seqs(room.offer(message(5))), "a late one history said was gone stays gone");
    }

    @Test
    void aLongGapIsFilledAPageAtATime() {
        RoomSequencer room = new RoomSequencer(0, 100);
        room.offer(message(250));
        assertArrayEquals(new long[] {0, 100}, room.gapToFill(100));
        room.filled(0, 100, messages(1, 100));
        assertArrayEquals(new long[] {100, 200}, room.gapToFill(100));
        room.filled(100, 200, messages(101, 200));
        assertArrayEquals(new long[] {200, 249}, room.gapToFill(100));
        List<ChatMessage> last = room.filled(200, 249, messages(201, 249));
        assertEquals(LongStream.rangeClosed(201, 250).boxed().toList(), seqs(last));
        assertFalse(room.hasGap());
    }

    @Test
    void anAnswerForARangeAlreadyPassedOnlyOffersWhatIsNew() {
        RoomSequencer room = new RoomSequencer(0, 100);
        room.offer(message(3));
        long[] gap = room.gapToFill(100);
        room.offer(message(1));
        room.offer(message(2)); // the backlog arrived before history answered

        assertEquals(List.of(), seqs(room.filled(gap[0], gap[1], List.of(message(1), message(2)))));
        assertEquals(3, room.delivered());
    }

    @Test
    void heldMessagesAreBoundedAndWhatDidNotFitComesBackFromHistory() {
        RoomSequencer room = new RoomSequencer(0, 2);
        room.offer(message(3));
        room.offer(message(4));
        room.offer(message(5)); // no room to hold it: only its seq is kept
        assertTrue(room.hasGap());

        assertEquals(List.of(1L), seqs(room.offer(message(1))));
        assertEquals(List.of(2L, 3L, 4L), seqs(room.offer(message(2))));
        assertTrue(room.hasGap(), "5 is still owed");
        assertArrayEquals(new long[] {4, 5}, room.gapToFill(100));
        assertEquals(List.of(5L), seqs(room.filled(4, 5, List.of(message(5)))));
        assertFalse(room.hasGap());
    }

    private static List<ChatMessage> messages(long from, long to) {
        return LongStream.rangeClosed(from, to).mapToObj(RoomSequencerTest::message).toList();
    }

    private static ChatMessage message(long seq) {
        return new ChatMessage("m" + seq, "room", "ann", "ann", "message " + seq, Instant.EPOCH, List.of(), seq, null);
    }

    private static List<Long> seqs(List<ChatMessage> messages) {
        return messages.stream().map(ChatMessage::seq).toList();
    }
}
