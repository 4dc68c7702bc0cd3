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

/**
 * A membership cache in front of the room store, for the hot path of every send.
 * Members are only ever added, never removed, so a cached room that lists a user stays right about them
 * forever; a cached room that lacks the user is re-read, since another node may have added them.
 */
final class RoomDirectory {
    private final RoomStore store;
    private final Map<RoomId, Room> cache;

    RoomDirectory(RoomStore store, int capacity) {
        this.store = store;
        this.cache = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<RoomId, Room> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The room if it exists, read from the store. */
    CompletionStage<Optional<Room>> find(RoomId roomId) {
        return store.findById(roomId).thenApply(found -> {
            found.ifPresent(this::remember);
            return found;
        });
    }

    /**
     * The room as it stands for deciding what {@code userId} may do in it: from the cache when the cached
     * room lists them, read from the store otherwise. Empty when the room does not exist.
     */
    CompletionStage<Optional<Room>> asSeenBy(RoomId roomId, UserId userId) {
        Room cached;
        synchronized (cache) {
            cached = cache.get(roomId);
        }
        if (cached != null && cached.hasMember(userId)) {
            return CompletableFuture.completedFuture(Optional.of(cached));
        }
        return find(roomId);
    }

    void remember(Room room) {
        synchronized (cache) {
            cache.put(room.id(), room);
        }
    }
}
