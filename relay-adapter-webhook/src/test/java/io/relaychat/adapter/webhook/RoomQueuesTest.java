package io.relaychat.adapter.webhook;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The per-room order: a room's next event waits for its previous one, and only its own room waits. */
class RoomQueuesTest {
    private final RoomQueues<String> queues = new RoomQueues<>();

    @Test
    void aRoomsEventsComeOutOneAtATimeInTheOrderTheyWereAdded() {
        queues.add("a", "a1");
        queues.add("a", "a2");
        queues.add("a", "a3");

        assertEquals("a1", queues.next());
        assertNull(queues.next(), "a2 waits until a1 is done with");
        queues.done("a");
        assertEquals("a2", queues.next());
        queues.done("a");
        assertEquals("a3", queues.next());
        queues.done("a");
        assertNull(queues.next());
        assertEquals(0, queues.size());
    }

    @Test
    void aRoomWhoseEventIsOutOrWaitingToBeRetriedHoldsBackItsOwnEventsOnly() {
        queues.add("stuck", "s1");
        queues.add("stuck", "s2");
        queues.add("free", "f1");
        queues.add("free", "f2");

        assertEquals("s1", queues.next());
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String next = queues.next();
            sent.add(next);
            queues.done("free");
        }

        assertEquals(List.of("f1", "f2"), sent);
        assertNull(queues.next(), "s2 still waits behind s1");
        assertEquals(2, queues.size());
    }

    @Test
    void anEventToBeRetriedStaysAheadOfItsRoomsLaterEvents() {
        queues.add("a", "a1");
        queues.add("a", "a2");

        assertEquals("a1", queues.next());
        queues.release("a");
        assertEquals("a1", queues.next(), "tried again before a2");
        queues.done("a");
        assertEquals("a2", queues.next());
    }

    @Test
    void readyRoomsTakeTurnsOldestReadyFirst() {
        queues.add("a", "a1");
        queues.add("b", "b1");
        queues.add("a", "a2");

        assertEquals("a1", queues.next());
        queues.done("a"); // a is ready again, behind b
        assertEquals("b1", queues.next());
        assertEquals("a2", queues.next());
    }

    @Test
    void aShutdownTakesEveryEventOutHeldOrNot() {
        queues.add("a", "a1");
        queues.add("a", "a2");
        queues.add("b", "b1");
        queues.next();

        assertEquals(3, queues.clear().size());
        assertEquals(0, queues.size());
        assertNull(queues.next());
    }

    @Test
    void doneWithARoomThatHasNothingOutIsAMistakeSaidAtOnce() {
        queues.add("a", "a1");

        assertThrows(IllegalStateException.class, () -> queues.done("a"));
        assertThrows(IllegalStateException.class, () -> queues.release("b"));
    }
}
