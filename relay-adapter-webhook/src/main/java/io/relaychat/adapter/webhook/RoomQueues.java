package io.relaychat.adapter.webhook;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The events waiting to be sent, a queue per room: only a room's oldest event is ever out, and the room's next
 * waits until it is done with (taken or given up), so that a receiver sees each room in order. A room whose event is
 * out, or waiting to be tried again, holds back its own later events only: the rooms that are free take turns,
 * oldest ready first. Owned by one thread; not thread-safe.
 */
final class RoomQueues<T> {
    private final Map<String, ArrayDeque<T>> byRoom = new HashMap<>();
    /** Rooms with an event to send now, in the order they became ready; each room at most once. */
    private final ArrayDeque<String> ready = new ArrayDeque<>();
    /** Rooms whose oldest event is out or waiting for its retry. */
    private final Set<String> held = new HashSet<>();
    private int size;

    void add(String room, T item) {
        ArrayDeque<T> queue = byRoom.computeIfAbsent(room, key -> new ArrayDeque<>());
        queue.addLast(item);
        size++;
        if (queue.size() == 1 && !held.contains(room)) {
            ready.addLast(room);
        }
    }

    /** The oldest event of the next ready room, which is held until {@link #done} or {@link #release}; null: none. */
    T next() {
        String room = ready.pollFirst();
        if (room == null) {
            return null;
        }
        held.add(room);
        return byRoom.get(room).peekFirst();
    }

    /** The room's held event is done with: its next, if any, becomes ready. */
    void done(String room) {
        ArrayDeque<T> queue = byRoom.get(room);
        if (queue == null || !held.remove(room)) {
            throw new IllegalStateException("no event of room " + room + " is out");
        }
        queue.pollFirst();
        size--;
        if (queue.isEmpty()) {
            byRoom.remove(room);
        } else {
            ready.addLast(room);
        }
    }

    /** The room's held event is to be sent again: it is ready once more, still ahead of the room's others. */
    void release(String room) {
        if (!held.remove(room)) {
            throw new IllegalStateException("no event of room " + room + " is out");
        }
        ready.addLast(room);
    }

    /** Events waiting, held ones included. */
    int size() {
        return size;
    }

    /** Every event, held or not, taken out: what is left at the end of a shutdown. */
    List<T> clear() {
        List<T> all = new ArrayList<>(size);
        byRoom.values().forEach(all::addAll);
        byRoom.clear();
        ready.clear();
        held.clear();
        size = 0;
        return all;
    }
}
