package io.relaychat.adapter.local;

import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.RoomType;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.RoomStore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Rooms in memory, in creation order, with an index from member to rooms. Lost on restart. */
public final class InMemoryRoomStore implements RoomStore {
    private final Map<RoomId, Room> byId = new LinkedHashMap<>();
    private final Map<UserId, Set<RoomId>> byMember = new HashMap<>();
    private final Map<String, RoomId> byDirectKey = new HashMap<>();

    @Override
    public synchronized CompletionStage<Void> insert(Room room) {
        if (byId.containsKey(room.id())) {
            return CompletableFuture.failedFuture(new IllegalStateException("room exists: " + room.id()));
        }
        put(room);
        return CompletableFuture.completedFuture(null);
    }

    private void put(Room room) {
        byId.put(room.id(), room);
        room.members().forEach(member -> byMember.computeIfAbsent(member, m -> new LinkedHashSet<>()).add(room.id()));
        if (room.directKey() != null) {
            byDirectKey.put(room.directKey(), room.id());
        }
    }

    @Override
    public synchronized CompletionStage<Optional<Room>> findById(RoomId id) {
        return CompletableFuture.completedFuture(Optional.ofNullable(byId.get(id)));
    }

    @Override
    public synchronized CompletionStage<List<Room>> findByMember(UserId member) {
        List<Room> rooms = byMember.getOrDefault(member, Set.of()).stream().map(byId::get).toList();
        return CompletableFuture.completedFuture(rooms);
    }

    @Override
    public synchronized CompletionStage<List<Room>> findGroupRoomsWithout(UserId user, int limit) {
        List<Room> all = new ArrayList<>(byId.values());
        List<Room> found = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0 && found.size() < limit; i--) {
            Room room = all.get(i);
            if (room.type() == RoomType.GROUP && !room.hasMember(user)) {
                found.add(room);
            }
        }
        return CompletableFuture.completedFuture(found);
    }

    @Override
    public synchronized CompletionStage<Boolean> addMember(RoomId roomId, UserId member) {
        Room room = byId.get(roomId);
        if (room == null || room.hasMember(member)) {
            return CompletableFuture.completedFuture(false);
        }
        List<UserId> members = new ArrayList<>(room.members());
        members.add(member);
        Room updated = new Room(room.id(), room.name(), room.type(), members, room.createdAt(), room.createdBy(),
                room.directKey());
        byId.put(roomId, updated);
        byMember.computeIfAbsent(member, m -> new LinkedHashSet<>()).add(roomId);
        return CompletableFuture.completedFuture(true);
    }

    @Override
    public synchronized CompletionStage<Boolean> removeMember(RoomId roomId, UserId member) {
        Room room = byId.get(roomId);
        if (room == null || !room.hasMember(member)) {
            return CompletableFuture.completedFuture(false);
        }
        List<UserId> members = new ArrayList<>(room.members());
        members.remove(member);
        byId.put(roomId, new Room(room.id(), room.name(), room.type(), members, room.createdAt(), room.createdBy(),
                room.directKey()));
        Set<RoomId> own = byMember.get(member);
        if (own != null) {
            own.remove(roomId);
            if (own.isEmpty()) {
                byMember.remove(member);
            }
        }
        return CompletableFuture.completedFuture(true);
    }

    @Override
    public synchronized CompletionStage<Room> findOrInsertDirect(Room candidate) {
        if (candidate.directKey() == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("not a direct room: " + candidate));
        }
        RoomId existing = byDirectKey.get(candidate.directKey());
        if (existing != null) {
            return CompletableFuture.completedFuture(byId.get(existing));
        }
        put(candidate);
        return CompletableFuture.completedFuture(candidate);
    }
}
