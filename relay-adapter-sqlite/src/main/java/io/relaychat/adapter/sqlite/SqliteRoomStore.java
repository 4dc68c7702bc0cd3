package io.relaychat.adapter.sqlite;

import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.RoomType;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.RoomStore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Tables {@code rooms} and {@code room_members} (a member's {@code position} keeps the order members joined in).
 * Every change runs on the one writer, so "add if absent", "remove if present" and "the pair's direct room, or this
 * one" are each a check and a write with nothing in between; {@code direct_key}'s unique index stands behind it.
 */
final class SqliteRoomStore implements RoomStore {
    static final String COLUMNS = "id, name, type, created_at, created_by, direct_key";

    private final WriteQueue writer;
    private final ReadPool readers;

    SqliteRoomStore(WriteQueue writer, ReadPool readers) {
        this.writer = writer;
        this.readers = readers;
    }

    @Override
    public CompletionStage<Void> insert(Room room) {
        return writer.submit("create room " + room.id(), connection -> {
            insertRoom(connection, room);
            return null;
        });
    }

    private static void insertRoom(Connection connection, Room room) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO rooms (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, room.id().value());
            insert.setString(2, room.name());
            insert.setString(3, room.type().wireName());
            insert.setLong(4, Rows.millis(room.createdAt()));
            insert.setString(5, room.createdBy().value());
            insert.setString(6, room.directKey());
            insert.executeUpdate();
        }
        try (PreparedStatement member = connection.prepareStatement(
                "INSERT OR IGNORE INTO room_members (room_id, user_id, position) VALUES (?, ?, ?)")) {
            int position = 0;
            for (UserId id : room.members()) {
                member.setString(1, room.id().value());
                member.setString(2, id.value());
                member.setInt(3, ++position);
                member.addBatch();
            }
            member.executeBatch();
        }
    }

    @Override
    public CompletionStage<Optional<Room>> findById(RoomId id) {
        return readers.submit("find a room", connection -> byId(connection, id.value()));
    }

    private static Optional<Room> byId(Connection connection, String id) throws SQLException {
        return one(connection, "SELECT " + COLUMNS + " FROM rooms WHERE id = ?", id);
    }

    private static Optional<Room> one(Connection connection, String query, String key) throws SQLException {
        try (PreparedStatement find = connection.prepareStatement(query)) {
            find.setString(1, key);
            List<Room> found = rooms(connection, find);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        }
    }

    @Override
    public CompletionStage<List<Room>> findByMember(UserId member) {
        return readers.submit("find a member's rooms", connection -> {
            try (PreparedStatement find = connection.prepareStatement("SELECT " + prefixed("r") + " " + """
                     FROM room_members m JOIN rooms r ON r.id = m.room_id
                     WHERE m.user_id = ? ORDER BY r.created_at, r.rowid""")) {
                find.setString(1, member.value());
                return rooms(connection, find);
            }
        });
    }

    @Override
    public CompletionStage<List<Room>> findGroupRoomsWithout(UserId user, int limit) {
        return readers.submit("discover rooms", connection -> {
            try (PreparedStatement find = connection.prepareStatement("SELECT " + COLUMNS + " " + """
                     FROM rooms WHERE type = ? AND NOT EXISTS
                       (SELECT 1 FROM room_members m WHERE m.room_id = rooms.id AND m.user_id = ?)
                     ORDER BY created_at DESC, rowid DESC LIMIT ?""")) {
                find.setString(1, RoomType.GROUP.wireName());
                find.setString(2, user.value());
                find.setInt(3, limit);
                return rooms(connection, find);
            }
        });
    }

    @Override
    public CompletionStage<Boolean> addMember(RoomId roomId, UserId member) {
        return writer.submit("add a member", connection -> {
            try (PreparedStatement add = connection.prepareStatement("""
                    INSERT OR IGNORE INTO room_members (room_id, user_id, position)
                    SELECT id, ?2, (SELECT coalesce(max(position), 0) + 1 FROM room_members WHERE room_id = ?1)
                    FROM rooms WHERE id = ?1""")) {
                add.setString(1, roomId.value());
                add.setString(2, member.value());
                return add.executeUpdate() == 1;
            }
        });
    }

    @Override
    public CompletionStage<Boolean> removeMember(RoomId roomId, UserId member) {
        return writer.submit("remove a member", connection -> {
            try (PreparedStatement remove = connection.prepareStatement(
                    "DELETE FROM room_members WHERE room_id = ? AND user_id = ?")) {
                remove.setString(1, roomId.value());
                remove.setString(2, member.value());
                return remove.executeUpdate() == 1;
            }
        });
    }

    @Override
    public CompletionStage<Room> findOrInsertDirect(Room candidate) {
        if (candidate.directKey() == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("not a direct room: " + candidate));
        }
        return writer.submit("open a direct room", connection -> {
            Optional<Room> existing = one(connection, "SELECT " + COLUMNS + " FROM rooms WHERE direct_key = ?",
                    candidate.directKey());
            if (existing.isPresent()) {
                return existing.get();
            }
            insertRoom(connection, candidate);
            return candidate;
        });
    }

    /** The rooms the query finds, in its order, each with its members in the order they joined. */
    static List<Room> rooms(Connection connection, PreparedStatement find) throws SQLException {
        List<Room> found = new ArrayList<>();
        try (ResultSet row = find.executeQuery();
             PreparedStatement members = connection.prepareStatement(
                     "SELECT user_id FROM room_members WHERE room_id = ? ORDER BY position")) {
            while (row.next()) {
                String id = row.getString("id");
                members.setString(1, id);
                List<UserId> ids = new ArrayList<>();
                try (ResultSet member = members.executeQuery()) {
                    while (member.next()) {
                        ids.add(new UserId(member.getString(1)));
                    }
                }
                found.add(new Room(new RoomId(id), row.getString("name"),
                        RoomType.fromWireName(row.getString("type")).orElse(RoomType.GROUP), ids,
                        Rows.instant(row.getLong("created_at")), new UserId(row.getString("created_by")),
                        row.getString("direct_key")));
            }
        }
        return found;
    }

    private static String prefixed(String alias) {
        return alias + ".id AS id, " + alias + ".name AS name, " + alias + ".type AS type, " + alias
                + ".created_at AS created_at, " + alias + ".created_by AS created_by, " + alias + ".direct_key AS direct_key";
    }
}
