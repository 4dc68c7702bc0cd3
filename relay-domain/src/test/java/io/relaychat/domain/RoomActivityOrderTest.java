package io.relaychat.domain;

import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.RoomActivity;
import io.relaychat.ports.out.RoomActivity.MemberRemoved;
import io.relaychat.ports.out.RoomActivity.MessagePosted;
import io.relaychat.ports.out.Scheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.stream.LongStream;

import static io.relaychat.testkit.Fixtures.aMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How {@link RoomActivityOrder} tells a room's events by seq: what waits, for what, and for how long at most. */
class RoomActivityOrderTest {
    private final RoomId room = new RoomId("room");
    private final List<RoomActivity.Event> told = new ArrayList<>();
    private final List<Throwable> faults = new ArrayList<>();
    /** The timers set, run only when a test says: time stands still otherwise. */
    private final List<Runnable> timers = new ArrayList<>();
    private final List<Duration> timerDelays = new ArrayList<>();
    private final Scheduler scheduler = (delay, task) -> {
        timerDelays.add(delay);
        timers.add(task);
    };
    private final RoomActivityOrder order = new RoomActivityOrder(told::add, scheduler, new Faults(faults::add));
    private final Map<Long, ChatMessage> messages = new HashMap<>();

    /** The room's message of this seq, the same one each time. */
    private ChatMessage seq(long seq) {
        return messages.computeIfAbsent(seq, key -> aMessage().in(room).saying("m" + key).build().withSeq(key));
    }

    /** An append that stores the message of {@code seq}, started now and finished at once. */
    private void stored(long seq) {
        order.appendFinished(order.appendStarting(room), seq(seq));
    }

    /** The seqs of the messages told, in the order they were told. */
    private List<Long> toldSeqs() {
        return told.stream().filter(MessagePosted.class::isInstance)
                .map(event -> ((MessagePosted) event).message().seq()).toList();
    }

    private void runTimers() {
        List<Runnable> due = List.copyOf(timers);
        timers.clear();
        due.forEach(Runnable::run);
    }

    @Test
    void aRoomsFirstMessageGoesAtOnceWhateverItsSeqNoneIsExpected() {
        stored(57); // a room with history, after a restart
        stored(58);

        assertEquals(List.of(57L, 58L), toldSeqs());
        assertEquals(0, order.trackedRooms(), "nothing in flight, nothing waiting: the room is not tracked");
        assertTrue(timers.isEmpty());
    }

    @Test
    void aMessageStoredWhileAnEarlierAppendIsInFlightWaitsForItThenBothGoBySeq() {
        RoomActivityOrder.Append fourth = order.appendStarting(room);
        RoomActivityOrder.Append fifth = order.appendStarting(room);

        order.appendFinished(fifth, seq(5));
        assertEquals(List.of(), toldSeqs(), "seq 5 finished first, and 4 may still come");
        order.appendFinished(fourth, seq(4));

        assertEquals(List.of(4L, 5L), toldSeqs());
        assertEquals(0, order.trackedRooms());
    }

    @Test
    void anAppendThatFailsOrFindsADuplicateHoldsNothingBackTheSeqItTookIsSkipped() {
        RoomActivityOrder.Append failing = order.appendStarting(room);
        RoomActivityOrder.Append retry = order.appendStarting(room);
        RoomActivityOrder.Append stored = order.appendStarting(room);

        order.appendFinished(stored, seq(8));
        order.appendFinished(failing, null);
        assertEquals(List.of(), toldSeqs(), "the retry may still take a lower seq");
        order.appendFinished(retry, null);

        assertEquals(List.of(8L), toldSeqs());
        assertTrue(faults.isEmpty(), "a failed append is no fault of the order");
    }

    @Test
    void aMessageWaitsOnlyForTheAppendsInFlightWhenItWasStoredNotForLaterOnes() {
        RoomActivityOrder.Append second = order.appendStarting(room);
        RoomActivityOrder.Append third = order.appendStarting(room);
        order.appendFinished(third, seq(3));
        RoomActivityOrder.Append fourth = order.appendStarting(room); // started after 3 was stored: a higher seq

        order.appendFinished(second, seq(2));
        assertEquals(List.of(2L, 3L), toldSeqs(), "3 waited for 2 only, not for the append started after it");
        order.appendFinished(fourth, seq(4));

        assertEquals(List.of(2L, 3L, 4L), toldSeqs());
    }

    @Test
    void anEventThatIsNoMessageFollowsTheMessagesStoredBeforeItAndGoesAtOnceWhenNoneWaits() {
        MemberRemoved left = new MemberRemoved(room, new UserId("bob"), new UserId("bob"), Instant.EPOCH);
        RoomActivityOrder.Append first = order.appendStarting(room);
        RoomActivityOrder.Append second = order.appendStarting(room);
        order.appendFinished(second, seq(2));

        order.happened(left);
        assertEquals(List.of(), told, "message 2 was stored before the leave, and waits");
        order.appendFinished(first, seq(1));

        assertEquals(List.of(new MessagePosted(seq(1)), new MessagePosted(seq(2)), left), told);
        order.happened(left);
        assertEquals(4, told.size(), "nothing waiting: told at once");
    }

    @Test
    void twoMessagesOfOneSeqAreBothToldInTheOrderTheyWereStoredNoneIsLost() {
        RoomActivityOrder.Append first = order.appendStarting(room);
        RoomActivityOrder.Append second = order.appendStarting(room);
        RoomActivityOrder.Append third = order.appendStarting(room);
        ChatMessage one = aMessage().in(room).saying("one").build().withSeq(3);
        ChatMessage other = aMessage().in(room).saying("other").build().withSeq(3);

        order.appendFinished(second, one);
        order.appendFinished(third, other);
        order.appendFinished(first, seq(2));

        assertEquals(List.of(new MessagePosted(seq(2)), new MessagePosted(one), new MessagePosted(other)), told);
    }

    @Test
    void anAppendThatHangsIsGivenUpAfterTheWaitWhatWaitedGoesOnAndItsMessageIsToldLate() {
        RoomActivityOrder.Append hanging = order.appendStarting(room);
        RoomActivityOrder.Append second = order.appendStarting(room);
        order.appendFinished(second, seq(2));
        assertEquals(List.of(RoomActivityOrder.MAX_WAIT), timerDelays, "one timer, for the room");

        runTimers();

        assertEquals(List.of(2L), toldSeqs());
        assertEquals(1, faults.size());
        assertInstanceOf(TimeoutException.class, faults.get(0));
        assertTrue(faults.get(0).getMessage().contains("room activity of room no longer waits for 1 message appends"),
                faults.get(0).getMessage());
        assertEquals(0, order.trackedRooms(), "the room went on without it");
        order.appendFinished(hanging, seq(1));
        assertEquals(List.of(2L, 1L), toldSeqs(), "stored after all: told, late rather than never");
    }

    @Test
    void theTimerGivesUpOnlyAppendsStartedBeforeItWasSetAndIsSetAgainForTheRest() {
        RoomActivityOrder.Append hanging = order.appendStarting(room);
        order.appendFinished(order.appendStarting(room), seq(2)); // waits for the hanging one; the timer is set
        RoomActivityOrder.Append later = order.appendStarting(room);
        order.appendFinished(order.appendStarting(room), seq(4)); // waits for both

        runTimers();
        assertEquals(List.of(2L), toldSeqs(), "the hanging append is given up; 4 still waits for the later one");
        assertEquals(1, timers.size(), "set again while something waits");
        order.appendFinished(later, seq(3));

        assertEquals(List.of(2L, 3L, 4L), toldSeqs());
        order.appendFinished(hanging, null);
        runTimers();
        assertEquals(1, faults.size(), "a timer of a room that went on finds nothing to give up");
    }

    @Test
    void aRoomHoldsAtMostItsBoundPastItTheAppendsWaitedForAreGivenUpAndAllThatWaitedGoesBySeq() {
        RoomActivityOrder.Append hanging = order.appendStarting(room);
        for (long seq = 2; seq <= RoomActivityOrder.MAX_HELD + 1; seq++) {
            stored(seq);
        }
        assertEquals(List.of(), toldSeqs(), RoomActivityOrder.MAX_HELD + " wait, the bound");

        stored(RoomActivityOrder.MAX_HELD + 2L);

        assertEquals(LongStream.rangeClosed(2, RoomActivityOrder.MAX_HELD + 2L).boxed().toList(), toldSeqs());
        assertEquals(1, faults.size(), "one report for the whole give-up: " + faults);
        assertTrue(faults.get(0).getMessage().contains(RoomActivityOrder.MAX_HELD + " events of the room were waiting"),
                faults.get(0).getMessage());
        order.appendFinished(hanging, seq(1));
        assertEquals(1L, toldSeqs().get(toldSeqs().size() - 1), "stored after all: told, late");
        assertEquals(0, order.trackedRooms());
    }

    @Test
    void aTimerThatCannotBeSetAsTheNodeStopsFailsNoSendAndIsTriedAgain() {
        boolean[] stopped = {true};
        List<Runnable> set = new ArrayList<>();
        RoomActivityOrder stopping = new RoomActivityOrder(told::add, (delay, task) -> {
            if (stopped[0]) {
                throw new IllegalStateException("the timer thread is gone");
            }
            set.add(task);
        }, new Faults(faults::add));
        RoomActivityOrder.Append first = stopping.appendStarting(room);

        stopping.appendFinished(stopping.appendStarting(room), seq(2));
        assertEquals(1, faults.size(), "reported, not thrown: " + faults);
        stopped[0] = false;
        stopping.appendFinished(stopping.appendStarting(room), seq(3));
        assertEquals(1, set.size(), "set with the room's next event");
        stopping.appendFinished(first, seq(1));

        assertEquals(List.of(1L, 2L, 3L), toldSeqs());
    }

    @Test
    void roomsWaitForTheirOwnAppendsOnly() {
        RoomId other = new RoomId("other");
        RoomActivityOrder.Append elsewhere = order.appendStarting(other);

        stored(1);

        assertEquals(List.of(1L), toldSeqs(), "an append in flight in another room holds nothing here");
        order.appendFinished(elsewhere, null);
        assertEquals(0, order.trackedRooms());
    }

    @Test
    void offTracksNothingAndTellsNothing() {
        RoomActivityOrder.Append append = RoomActivityOrder.OFF.appendStarting(room);
        RoomActivityOrder.OFF.appendFinished(append, seq(1));
        RoomActivityOrder.OFF.happened(new MessagePosted(seq(2)));

        assertEquals(0, RoomActivityOrder.OFF.trackedRooms());
        assertTrue(told.isEmpty());
    }
}
