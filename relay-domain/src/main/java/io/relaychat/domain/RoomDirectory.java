package io.relaychat.domain;

import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.RoomStore;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * A membership cache in front of the room store, for the hot path of every send.
 * A cached room that lacks the user is re-read, since another node may have added them. A cached room that lists
 * the user is believed only while this node would hear of their leaving: while one of its room channels is
 * subscribed to the room (members leave through any node, which says so on the room's channel) and the bus is up.
 * Otherwise, or once told that someone left, the room is read from the store again.
 */
final class RoomDirectory {
    private final RoomStore store;
    private final BooleanSupplier busAvailable;
    private final Map<RoomId, Room> cache;
    /** Rooms this node hears leavings of, each with the channel that subscribed to it. */
    private final Map<RoomId, Object> hearing = new ConcurrentHashMap<>();
    /**
     * Counts what was forgotten, guarded by the cache's monitor: a read that started before a forget may carry
     * a member who has left since, so it is answered but not remembered.
     */
    private long forgets;

    RoomDirectory(RoomStore store, int capacity, BooleanSupplier busAvailable) {
        this.store = store;
        this.busAvailable = busAvailable;
        this.cache = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<RoomId, Room> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The room if it exists, read from the store. */
    CompletionStage<Optional<Room>> find(RoomId roomId) {
        long mark = mark();
        return store.findById(roomId).thenApply(found -> {
            found.ifPresent(room -> remember(room, mark));
            return found;
        });
    }

    /**
     * The room as it stands for deciding what {@code userId} may do in it: from the cache when the cached
     * room lists them and this node would have heard of their leaving, read from the store otherwise. Empty
     * when the room does not exist.
     */
    CompletionStage<Optional<Room>> asSeenBy(RoomId roomId, UserId userId) {
        Room cached;
        synchronized (cache) {
            cached = cache.get(roomId);
        }
        if (cached != null && cached.hasMember(userId) && hearing.containsKey(roomId) && busAvailable.getAsBoolean()) {
            return CompletableFuture.completedFuture(Optional.of(cached));
        }
        return find(roomId);
    }

    /** A room just created: nobody can have left it yet. */
    void remember(Room room) {
        synchronized (cache) {
            cache.put(room.id(), room);
        }
    }

    /** Before a store read whose answer is to be remembered with {@link #remember(Room, long)}. */
    long mark() {
        synchronized (cache) {
            return forgets;
        }
    }

    /** A room read from the store, remembered unless something was forgotten since {@code mark}. */
    void remember(Room room, long mark) {
        synchronized (cache) {
            if (forgets == mark) {
                cache.put(room.id(), room);
            }
        }
    }

    /** Someone left the room: what this node remembers of its members is no longer true. */
    void forget(RoomId roomId) {
        synchronized (cache) {
            forgets++;
            cache.remove(roomId);
        }
    }

    /** The bus was cut off, so leavings may have gone unheard: every room is read again. */
    void forgetAll() {
        synchronized (cache) {
            forgets++;
            cache.clear();
        }
    }

    /**
     * The channel is subscribed to the room: from now on this node hears every leaving. What it remembered
     * from before may have missed one, so that is forgotten.
     */
    void hearing(RoomId roomId, Object channel) {
        hearing.put(roomId, channel);
        forget(roomId);
    }

    /** The channel unsubscribes from the room (a later channel of the same room may have taken over already). */
    void deaf(RoomId roomId, Object channel) {
        hearing.remove(roomId, channel);
    }
}
