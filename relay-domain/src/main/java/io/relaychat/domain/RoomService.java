package io.relaychat.domain;

import io.relaychat.ports.in.CreateRoomCommand;
import io.relaychat.ports.in.FetchHistoryUseCase;
import io.relaychat.ports.in.HistoryQuery;
import io.relaychat.ports.in.RoomsUseCase;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Outcome.Reason;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.RoomType;
import io.relaychat.ports.model.User;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.IdSource;
import io.relaychat.ports.out.MessageStore;
import io.relaychat.ports.out.RoomStore;
import io.relaychat.ports.out.TimeSource;
import io.relaychat.ports.out.UserStore;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Rooms and membership: creating, listing, discovering, joining, adding members, direct messages, history. */
final class RoomService implements RoomsUseCase, FetchHistoryUseCase {
    static final String ACCESS_DENIED = "Access denied";
    static final String ROOM_NOT_FOUND = "Room not found";
    static final String USER_NOT_FOUND = "User not found";
    static final String PRIVATE_ROOM = "This room is private: ask a member to add you";
    static final String SELF_DM = "Cannot DM yourself";

    private final RoomStore rooms;
    private final UserStore users;
    private final MessageStore messages;
    private final RoomDirectory directory;
    private final TimeSource time;
    private final IdSource ids;

    RoomService(RoomStore rooms, UserStore users, MessageStore messages, RoomDirectory directory,
                TimeSource time, IdSource ids) {
        this.rooms = rooms;
        this.users = users;
        this.messages = messages;
        this.directory = directory;
        this.time = time;
        this.ids = ids;
    }

    @Override
    public CompletionStage<Outcome<Room>> createRoom(CreateRoomCommand command) {
        Set<UserId> requested = new LinkedHashSet<>();
        requested.add(command.creator());
        requested.addAll(command.members());
        return existingUsers(List.copyOf(requested)).thenCompose(members -> {
            if (!members.contains(command.creator())) {
                members.add(0, command.creator());
            }
            Room room = new Room(new RoomId(ids.newId()), command.name(), command.type(), members, now(),
                    command.creator(), null);
            return rooms.insert(room).thenApply(ignored -> {
                directory.remember(room);
                return Outcome.accepted(room);
            });
        });
    }

    /** The ids among {@code candidates} that belong to a user, in order; a room never lists ghosts. */
    private CompletionStage<List<UserId>> existingUsers(List<UserId> candidates) {
        List<CompletableFuture<Optional<UserId>>> lookups = candidates.stream()
                .map(id -> users.findById(id).thenApply(user -> user.map(User::id)).toCompletableFuture())
                .toList();
        return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<UserId> found = new ArrayList<>();
            lookups.forEach(lookup -> lookup.join().ifPresent(found::add));
            return found;
        });
    }

    @Override
    public CompletionStage<List<Room>> roomsOf(UserId userId) {
        return rooms.findByMember(userId);
    }

    @Override
    public CompletionStage<List<Room>> discover(UserId userId) {
        return rooms.findGroupRoomsWithout(userId, DISCOVER_LIMIT);
    }

    @Override
    public CompletionStage<Outcome<Membership>> joinRoom(UserId userId, RoomId roomId) {
        return directory.find(roomId).thenCompose(found -> {
            if (found.isEmpty()) {
                return done(Outcome.rejected(Reason.NOT_FOUND, ROOM_NOT_FOUND));
            }
            Room room = found.get();
            if (room.hasMember(userId)) {
                return done(Outcome.accepted(new Membership(room, true)));
            }
            if (room.type() == RoomType.PRIVATE) {
                return done(Outcome.rejected(Reason.FORBIDDEN, PRIVATE_ROOM));
            }
            return rooms.addMember(roomId, userId).thenCompose(added -> directory.find(roomId))
                    .thenApply(updated -> Outcome.accepted(new Membership(updated.orElse(room), false)));
        });
    }

    @Override
    public CompletionStage<Outcome<User>> addMember(UserId actor, RoomId roomId, String email) {
        return directory.roomOfMember(roomId, actor).thenCompose(room -> {
            if (room.isEmpty()) {
                return done(Outcome.rejected(Reason.FORBIDDEN, ACCESS_DENIED));
            }
            if (email == null || email.isBlank()) {
                return done(Outcome.rejected(Reason.NOT_FOUND, USER_NOT_FOUND));
            }
            return users.findAccountByEmail(email.strip()).thenCompose(account -> {
                if (account.isEmpty()) {
                    return done(Outcome.rejected(Reason.NOT_FOUND, USER_NOT_FOUND));
                }
                User user = account.get().user();
                return rooms.addMember(roomId, user.id())
                        .thenCompose(added -> directory.find(roomId))
                        .thenApply(updated -> Outcome.accepted(user));
            });
        });
    }

    @Override
    public CompletionStage<Outcome<Room>> openDirectRoom(UserId caller, String identifier) {
        if (identifier == null || identifier.isBlank()) {
            return done(Outcome.rejected(Reason.NOT_FOUND, USER_NOT_FOUND));
        }
        String wanted = identifier.strip();
        CompletionStage<Optional<User>> other = users.findAccountByEmail(wanted).thenCompose(byEmail ->
                byEmail.isPresent()
                        ? CompletableFuture.completedFuture(byEmail.map(account -> account.user()))
                        : users.findByUsername(wanted));
        return other.thenCompose(found -> {
            if (found.isEmpty()) {
                return done(Outcome.rejected(Reason.NOT_FOUND, USER_NOT_FOUND));
            }
            User peer = found.get();
            if (peer.id().equals(caller)) {
                return done(Outcome.rejected(Reason.REFUSED, SELF_DM));
            }
            return users.findById(caller).thenCompose(self -> {
                String callerName = self.map(User::username).orElse(caller.value());
                Room candidate = new Room(new RoomId(ids.newId()), "DM: " + callerName + " & " + peer.username(),
                        RoomType.PRIVATE, List.of(caller, peer.id()), now(), caller,
                        Room.directKeyOf(caller, peer.id()));
                return rooms.findOrInsertDirect(candidate).thenApply(room -> {
                    directory.remember(room);
                    return Outcome.accepted(room);
                });
            });
        });
    }

    @Override
    public CompletionStage<Outcome<List<ChatMessage>>> history(HistoryQuery query) {
        return directory.roomOfMember(query.roomId(), query.userId()).thenCompose(room -> room.isEmpty()
                ? done(Outcome.rejected(Reason.FORBIDDEN, ACCESS_DENIED))
                : messages.history(query.roomId(), query.limit(), query.before(), query.beforeSeq())
                        .thenApply(Outcome::accepted));
    }

    private java.time.Instant now() {
        return time.now().truncatedTo(ChronoUnit.MILLIS);
    }

    private static <T> CompletionStage<Outcome<T>> done(Outcome<T> outcome) {
        return CompletableFuture.completedFuture(outcome);
    }
}
