package io.relaychat.domain;

import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.out.RoomActivity;
import io.relaychat.ports.out.Scheduler;

import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * Tells {@link RoomActivity} of each room's events in the room's order on this node, the room's messages by seq:
 * the one job of this class. It stands between the core and a listener only when there is one ({@link #OFF}
 * otherwise, which tracks and tells nothing), and it holds no chat delivery: a message is delivered before it is
 * handed here.
 * <p>
 * Why: a store numbers a room's appends in one order and may finish them in another (in memory, two event loops
 * appending to one room: seq 5's completion can run before seq 4's), while a webhook receiver must see a room's
 * messages by seq.
 * <p>
 * How: each append of a room is noted as it starts ({@link #appendStarting}), with the room's highest seq stored
 * so far, its floor. A store numbers an append only after it started, and numbers a room's appends in increasing
 * order, so the append will take a seq above its floor, and a stored message can only be followed by a lower seq
 * from an append in flight whose floor is below it. Such a message waits for exactly those appends to finish (stored,
 * found a duplicate, or failed), then goes out with whatever else waited, lowest seq first. So nothing waits for a
 * seq this node will not store (one lost with a failed insert, one taken by another node, which tells of its own),
 * and no seq is expected: a room's first message, after a restart too, goes at once when no append of the room that
 * may take a lower seq is in flight. The room's other events (a member added or gone) go after the messages stored
 * before them.
 * <p>
 * Bounded: a store that never finishes an append must not hold its room's events for ever, nor pile them up. A
 * waiting message waits about {@link #MAX_WAIT} (twice that at most), and a room holds at most {@link #MAX_HELD}
 * events; past either, the appends waited for are given up (reported as a fault), what waited goes out, and a
 * given-up append's message, should it be stored after all, is told when it is, out of order. A room is tracked only
 * while an append of it is in flight or an event of it waits.
 */
final class RoomActivityOrder implements RoomActivity {
    /** Longer than a store waits for a write by default (MongoDB's 5 s): only an append that hangs is given up. */
    static final Duration MAX_WAIT = Duration.ofSeconds(30);
    /** A room's events waiting at once: far more than its appends in flight together, short of a store that hangs. */
    static final int MAX_HELD = 1024;
    /** No listener: appends are not tracked, and nothing is told. */
    static final RoomActivityOrder OFF = new RoomActivityOrder(null, null, null);

    /** What {@link #appendStarting} hands out and {@link #appendFinished} takes back: the room, the append's number. */
    static final class Append {
        private final RoomOrder room;
        private final long number;

        private Append(RoomOrder room, long number) {
            this.room = room;
            this.number = number;
        }
    }

    private static final Append UNTRACKED = new Append(null, 0);
    /** Lowest seq first; an event that is not a message takes the room's newest seq, and ties go by arrival. */
    private static final Comparator<Held> BY_SEQ = Comparator.comparingLong(Held::seq).thenComparingLong(Held::arrival);

    private final RoomActivity listener;
    private final Scheduler scheduler;
    private final Faults faults;
    private final Map<RoomId, RoomOrder> rooms = new ConcurrentHashMap<>();

    /** @param listener told of each event; it returns at once and never throws (the core guards it) */
    RoomActivityOrder(RoomActivity listener, Scheduler scheduler, Faults faults) {
        this.listener = listener;
        this.scheduler = scheduler;
        this.faults = faults;
    }

    /** An event waiting to be told; a message, until no append in flight may take a lower seq. */
    private record Held(long seq, long arrival, boolean message, Event event) {
    }

    /** One room's appends in flight and events waiting; guarded by its own monitor. */
    private static final class RoomOrder {
        final RoomId id;
        /** The number of the room's last append started. */
        long started;
        /**
         * The appends started and neither finished nor given up, by number, each with its floor: the seq it takes is
         * above. Floors only grow with the numbers, so the first append in flight has the lowest.
         */
        final TreeMap<Long, Long> inFlight = new TreeMap<>();
        final PriorityQueue<Held> held = new PriorityQueue<>(BY_SEQ);
        /** The highest seq stored here while the room was tracked: where an event that is not a message goes. */
        long newestSeq;
        long arrivals;
        boolean timerSet;
        /** Out of the map: no longer waits for anything; an append still finishing on it was given up. */
        boolean retired;

        RoomOrder(RoomId id) {
            this.id = id;
        }

        /** Whether an append in flight may take a seq lower than {@code seq}. */
        boolean mayComeBefore(long seq) {
            return !inFlight.isEmpty() && inFlight.firstEntry().getValue() + 1 < seq;
        }
    }

    /** Rooms with an append in flight or an event waiting: what this costs in memory. */
    int trackedRooms() {
        return rooms.size();
    }

    /** Called before the store is asked to append a message of {@code roomId}: from then on its seq may be taken. */
    Append appendStarting(RoomId roomId) {
        if (listener == null) {
            return UNTRACKED;
        }
        while (true) {
            RoomOrder room = rooms.computeIfAbsent(roomId, RoomOrder::new);
            synchronized (room) {
                // A room retired between the look-up and the lock is out of the map already: the next look-up
                // makes a new one.
                if (!room.retired) {
                    long number = ++room.started;
                    room.inFlight.put(number, room.newestSeq);
                    return new Append(room, number);
                }
            }
        }
    }

    /**
     * The append is done with: {@code stored} is the message it stored, or null when it stored none (a duplicate, a
     * failure). Tells it, and whatever waited for this append, unless an append that may take a lower seq is still in
     * flight.
     */
    void appendFinished(Append append, ChatMessage stored) {
        RoomOrder room = append.room;
        if (room == null) {
            return;
        }
        synchronized (room) {
            room.inFlight.remove(append.number);
            if (room.retired) {
                // Given up on, and its room went on without it: late, and still told.
                if (stored != null) {
                    listener.happened(new MessagePosted(stored));
                }
                return;
            }
            if (stored != null) {
                room.newestSeq = Math.max(room.newestSeq, stored.seq());
                room.held.add(new Held(stored.seq(), room.arrivals++, true, new MessagePosted(stored)));
            }
            settle(room);
        }
    }

    /**
     * An event that is not a message stored (messages come through {@link #appendFinished}): told at once, unless
     * messages of its room stored before it still wait, which it then follows.
     */
    @Override
    public void happened(Event event) {
        if (listener == null) {
            return;
        }
        RoomOrder room = rooms.get(event.roomId());
        if (room != null) {
            synchronized (room) {
                if (!room.retired && !room.held.isEmpty()) {
                    room.held.add(new Held(room.newestSeq, room.arrivals++, false, event));
                    settle(room);
                    return;
                }
            }
        }
        listener.happened(event);
    }

    /** Tells what may go now, keeps the room within its bounds, sets its timer while something waits. */
    private void settle(RoomOrder room) {
        release(room);
        int givenUp = 0;
        while (room.held.size() > MAX_HELD) {
            givenUp += giveUpBefore(room, room.held.peek().seq());
            release(room);
        }
        if (givenUp > 0) {
            reportGivenUp(room, givenUp, MAX_HELD + " events of the room were waiting");
        }
        if (!room.held.isEmpty() && !room.timerSet) {
            long upTo = room.started;
            try {
                scheduler.schedule(MAX_WAIT, () -> waited(room, upTo));
                room.timerSet = true;
            } catch (RuntimeException stopped) {
                // The node is stopping (its timer thread is gone): this is called from the send path, which must
                // not fail for it. The next event of the room tries again.
                faults.report(stopped);
            }
        }
        if (room.held.isEmpty() && room.inFlight.isEmpty()) {
            room.retired = true;
            rooms.remove(room.id, room);
        }
    }

    /** In seq order, what no append in flight may come before; stops at the first message that must wait. */
    private void release(RoomOrder room) {
        while (!room.held.isEmpty() && !(room.held.peek().message() && room.mayComeBefore(room.held.peek().seq()))) {
            listener.happened(room.held.poll().event());
        }
    }

    /** {@link #MAX_WAIT} after the room's timer was set: the appends started before, still in flight, are given up. */
    private void waited(RoomOrder room, long upTo) {
        synchronized (room) {
            room.timerSet = false;
            if (room.retired) {
                return;
            }
            int givenUp = giveUp(room, upTo);
            if (givenUp > 0) {
                reportGivenUp(room, givenUp, "they had not finished within " + MAX_WAIT.toSeconds() + " s");
            }
            settle(room);
        }
    }

    /** The appends numbered up to {@code upTo} in flight are no longer waited for; how many there were. */
    private static int giveUp(RoomOrder room, long upTo) {
        Map<Long, Long> given = room.inFlight.headMap(upTo, true);
        int count = given.size();
        given.clear();
        return count;
    }

    /** The appends in flight that may take a seq lower than {@code seq} are no longer waited for; how many. */
    private static int giveUpBefore(RoomOrder room, long seq) {
        int count = 0;
        while (room.mayComeBefore(seq)) {
            room.inFlight.pollFirstEntry();
            count++;
        }
        return count;
    }

    private void reportGivenUp(RoomOrder room, int count, String why) {
        faults.report(new TimeoutException("room activity of " + room.id.value() + " no longer waits for " + count
                + " message appends (" + why + "): what waited is told, and their messages, if stored, when they are"));
    }
}
