package io.relaychat.adapter.mongo;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import com.mongodb.reactivestreams.client.MongoCollection;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.RoomType;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.RoomStore;
import org.bson.Document;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Collection {@code rooms}, in the Python app's shape ({@code id, name, type, members, created_at,
 * created_by}) plus {@code direct_key} on direct-message rooms, whose unique index keeps one room per pair
 * even when both users open it at the same moment from different nodes.
 */
final class MongoRoomStore implements RoomStore {
    static final String COLLECTION = "rooms";

    private final MongoCollection<Document> rooms;

    MongoRoomStore(MongoCollection<Document> rooms) {
        this.rooms = rooms;
    }

    @Override
    public CompletionStage<Void> insert(Room room) {
        return Reactive.done(rooms.insertOne(document(room)));
    }

    @Override
    public CompletionStage<Optional<Room>> findById(RoomId id) {
        return Reactive.first(rooms.find(Filters.eq("id", id.value())).first())
                .thenApply(found -> found.map(MongoRoomStore::room));
    }

    @Override
    public CompletionStage<List<Room>> findByMember(UserId member) {
        return Reactive.all(rooms.find(Filters.eq("members", member.value())).sort(Sorts.ascending("created_at", "_id")))
                .thenApply(found -> found.stream().map(MongoRoomStore::room).toList());
    }

    @Override
    public CompletionStage<List<Room>> findGroupRoomsWithout(UserId user, int limit) {
        return Reactive.all(rooms.find(Filters.and(
                                Filters.eq("type", RoomType.GROUP.wireName()),
                                Filters.ne("members", user.value())))
                        .sort(Sorts.descending("created_at", "_id"))
                        .limit(limit))
                .thenApply(found -> found.stream().map(MongoRoomStore::room).toList());
    }

    /**
     * One conditional update: only a room that does not list the member yet matches, so of any number of
     * concurrent adds of one member (from any node) exactly one changes the room and answers true.
     */
    @Override
    public CompletionStage<Boolean> addMember(RoomId roomId, UserId member) {
        return Reactive.first(rooms.updateOne(
                        Filters.and(Filters.eq("id", roomId.value()), Filters.ne("members", member.value())),
                        Updates.addToSet("members", member.value())))
                .thenApply(result -> result.map(update -> update.getModifiedCount() > 0).orElse(false));
    }

    /**
     * One conditional update, the mirror of {@link #addMember}: only a room that lists the member matches, so
     * of concurrent removals of one member exactly one answers true. {@code $pull} keeps the others' order.
     */
    @Override
    public CompletionStage<Boolean> removeMember(RoomId roomId, UserId member) {
        return Reactive.first(rooms.updateOne(
                        Filters.and(Filters.eq("id", roomId.value()), Filters.eq("members", member.value())),
                        Updates.pull("members", member.value())))
                .thenApply(result -> result.map(update -> update.getModifiedCount() > 0).orElse(false));
    }

    @Override
    public CompletionStage<Room> findOrInsertDirect(Room candidate) {
        if (candidate.directKey() == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("not a direct room: " + candidate));
        }
        return findDirect(candidate.directKey()).thenCompose(existing -> existing.isPresent()
                ? CompletableFuture.completedFuture(existing.get())
                : Reactive.done(rooms.insertOne(document(candidate))).handle((ignored, error) -> {
                    if (error == null) {
                        return CompletableFuture.completedFuture(candidate);
                    }
                    if (MongoFailures.isDuplicateKey(error)) {
                        // The other side created it a moment ago: theirs is the room.
                        return findDirect(candidate.directKey()).thenApply(Optional::orElseThrow);
                    }
                    return CompletableFuture.<Room>failedFuture(MongoFailures.translate(error));
                }).thenCompose(room -> room));
    }

    private CompletableFuture<Optional<Room>> findDirect(String directKey) {
        return Reactive.first(rooms.find(Filters.eq("direct_key", directKey)).first())
                .thenApply(found -> found.map(MongoRoomStore::room));
    }

    /** A room as this collection keeps it (also what {@link MongoImport} writes). */
    static Document document(Room room) {
        Document document = new Document("id", room.id().value())
                .append("name", room.name())
                .append("type", room.type().wireName())
                .append("members", room.members().stream().map(UserId::value).toList())
                .append("created_at", Documents.date(room.createdAt()))
                .append("created_by", room.createdBy().value());
        if (room.directKey() != null) {
            document.append("direct_key", room.directKey());
        }
        return document;
    }

    private static Room room(Document document) {
        RoomType type = RoomType.fromWireName(document.getString("type")).orElse(RoomType.GROUP);
        List<UserId> members = Documents.strings(document, "members").stream().map(UserId::new).toList();
        String createdBy = document.getString("created_by");
        return new Room(new RoomId(document.getString("id")), document.getString("name"), type, members,
                Documents.instant(document, "created_at"),
                new UserId(createdBy != null ? createdBy : members.isEmpty() ? "unknown" : members.get(0).value()),
                document.getString("direct_key"));
    }
}
