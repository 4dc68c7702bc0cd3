package io.relaychat.domain;

import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.RoomId;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;

import static io.relaychat.testkit.Fixtures.aMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeqOrdererTest {
    private final RoomId room = new RoomId("room");

    private ChatMessage seq(long seq) {
        return aMessage().in(room).saying("m" + seq).build().withSeq(seq);
    }

    private static List<Long> seqs(List<ChatMessage> messages) {
        return messages.stream().map(ChatMessage::seq).toList();
    }

    @Test
    void inOrderMessagesGoOutAtOnce() {
        SeqOrderer orderer = new SeqOrderer(0);

        assertEquals(List.of(1L), seqs(orderer.offer(seq(1))));
        assertEquals(List.of(2L), seqs(orderer.offer(seq(2))));
        assertEquals(2, orderer.lastReleased());
    }

    @Test
    void anEarlyMessageWaitsForTheGapToFill() {
        SeqOrderer orderer = new SeqOrderer(10);

        assertEquals(List.of(), seqs(orderer.offer(seq(13))));
        assertEquals(List.of(), seqs(orderer.offer(seq(12))));
        assertEquals(2, orderer.heldCount());

        assertEquals(List.of(11L, 12L, 13L), seqs(orderer.offer(seq(11))));
        assertEquals(0, orderer.heldCount());
    }

    @Test
    void aMessageAlreadyReleasedOrHeldIsNeverReleasedTwice() {
        SeqOrderer orderer = new SeqOrderer(0);
        orderer.offer(seq(1));
        orderer.offer(seq(3));

        assertEquals(List.of(), seqs(orderer.offer(seq(1))));
        assertEquals(List.of(), seqs(orderer.offer(seq(3))));
        assertEquals(List.of(2L, 3L), seqs(orderer.offer(seq(2))));
        assertTrue(orderer.isBehind(3));
    }

    @Test
    void anyArrivalOrderComesOutAsOneGaplessSequence() {
        List<ChatMessage> shuffled = new ArrayList<>(LongStream.rangeClosed(1, 500).mapToObj(this::seq).toList());
        Collections.shuffle(shuffled, new Random(7));
        SeqOrderer orderer = new SeqOrderer(0);

        List<Long> released = new ArrayList<>();
        shuffled.forEach(message -> released.addAll(seqs(orderer.offer(message))));

        assertEquals(LongStream.rangeClosed(1, 500).boxed().toList(), released);
    }

    @Test
    void givingUpOnAGapReleasesWhatWaitedBehindIt() {
        SeqOrderer orderer = new SeqOrderer(4);
        orderer.offer(seq(7));
        orderer.offer(seq(8));
        orderer.offer(seq(10));

        assertEquals(7, orderer.firstHeldSeq());
        assertEquals(List.of(7L, 8L), seqs(orderer.skipTo(6)));
        assertEquals(8, orderer.lastReleased());
        assertEquals(List.of(10L), seqs(orderer.skipTo(9)));
        assertEquals(0, orderer.firstHeldSeq());
    }

    @Test
    void aMessageGivenUpOnIsRecognisedOnceIfItTurnsUpLate() {
        SeqOrderer orderer = new SeqOrderer(0);
        orderer.offer(seq(2));
        orderer.skipTo(1);

        assertEquals(List.of(), seqs(orderer.offer(seq(1))));
        assertTrue(orderer.arrivedAfterSkip(1));
        assertEquals(false, orderer.arrivedAfterSkip(1));
        assertEquals(false, orderer.arrivedAfterSkip(2), "2 was released, not skipped");
    }
}
