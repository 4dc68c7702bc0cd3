package io.relaychat.domain;

import io.relaychat.domain.RoomAccessPolicy.Admission;
import io.relaychat.ports.in.CreateRoomCommand;
import io.relaychat.ports.in.FetchHistoryUseCase;
import io.relaychat.ports.in.HistoryQuery;
import io.relaychat.ports.in.RoomsUseCase;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.RoomType;
import io.relaychat.ports.model.User;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.IdSource;
import io.relaychat.ports.out.MessageStore;
import io.relaychat.ports.out.RelayMetrics;
import io.relaychat.ports.out.RoomActivity;
import io.relaychat.ports.out.RoomActivity.MemberAdded;
import io.relaychat.ports.out.RoomActivity.MemberRemoved;
import io.relaychat.ports.out.RoomActivity.RoomCreated;
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

/**
 * Rooms and membership: creating, listing, discovering, joining, leaving, adding members, direct messages, history.
 * Who may do what is {@link RoomAccessPolicy}'s to say; this class looks up and stores, and tells
 * {@link RoomActivity} of each change the store says it made (not of a join by a member, or a concurrent leave that
 * found them gone).
 */
final class RoomService implements RoomsUseCase, FetchHistoryUseCase {
    private final RoomStore rooms;
    private final UserStore users;
    private final MessageStore messages;
    private final RoomDirectory directory;
    private final TimeSource time;
    private final IdSource ids;
    private final int maxMembersPerCreation;
    private final RateLimiter<UserId> creations;
    private final ChatQuotas quotas;
    private final MemberDepartures departures;
    private final RoomActivity activity;

    RoomService(RoomStore rooms, UserStore users, MessageStore messages, RoomDirectory directory,
                TimeSource time, IdSource ids, Limits limits, RelayMetrics metrics, ChatQuotas quotas,
                MemberDepartures departures, RoomActivity activity) {
        this.rooms = rooms;
        this.users = users;
        this.messages = messages;
        this.directory = directory;
        this.time = time;
        this.ids = ids;
        this.maxMembersPerCreation = limits.maxMembersPerRoomCreation();
        this.creations = new RateLimiter<>(limits.rates().roomCreations(), time,
                () -> metrics.rateLimited(RelayMetrics.Limited.ROOM_CREATION));
        this.quotas = quotas;
        this.departures = departures;
        this.activity = activity;
    }

    @Override
    public CompletionStage<Outcome<Room>> createRoom(CreateRoomCommand command) {
        if (maxMembersPerCreation > 0 && command.members().size() > maxMembersPerCreation) {
            return done(Outcome.rejected(Refusal.invalidField(
                    "field 'members' must list at most " + maxMembersPerCreation + " user ids")));
        }
        Optional<Refusal> tooOften = creations.tryAcquire(command.creator());
        if (tooOften.isPresent()) {
            return done(Outcome.rejected(tooOften.get()));
        }
        Set<UserId> requested = new LinkedHashSet<>();
        requested.add(command.creator());
        requested.addAll(command.members());
        return existingUsers(users, List.copyOf(requested)).thenCompose(members -> {
            if (!members.contains(command.creator())) {
                members.add(0, command.creator());
            }
            Room room = new Room(new RoomId(ids.newId()), command.name(), command.type(), members, now(),
                    command.creator(), null);
            return rooms.insert(room).thenApply(ignored -> {
                directory.remember(room);
                activity.happened(new RoomCreated(room));
                return Outcome.accepted(room);
            });
        });
    }

    /**
     * The ids among {@code candidates} that belong to a user, in order; a room never lists ghosts. The store is
     * asked for all of them at once. Also the server API's check of the ids a backend names.
     */
    static CompletionStage<List<UserId>> existingUsers(UserStore users, List<UserId> candidates) {
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
            Outcome<Admission> admission = RoomAccessPolicy.toBecomeMember(found, userId);
            if (admission instanceof Outcome.Rejected<Admission> refused) {
                return done(refused.<Membership>cast());
            }
            Room room = found.orElseThrow();
            if (admission.value() == Admission.ALREADY_MEMBER) {
                return done(Outcome.accepted(new Membership(room, true)));
            }
            // The store decides between concurrent joins of one user: only the one that added them says so.
            return rooms.addMember(roomId, userId).thenCompose(added -> {
                memberAdded(added, roomId, userId, userId);
                return directory.find(roomId)
                        .thenApply(updated -> Outcome.accepted(new Membership(updated.orElse(room), !added)));
            });
        });
    }

    /**
     * Counts against the rate of joins: each costs a presence change in the room on every node, as a join does.
     * The store is read, not the cache: leaving is rare, and the answer must be the store's. The answer comes once
     * the user's connections on this node have left the room; other nodes are told and detach theirs as they hear.
     */
    @Override
    public CompletionStage<Outcome<RoomId>> leaveRoom(UserId userId, RoomId roomId) {
        Optional<Refusal> tooOften = quotas.toJoin(userId);
        if (tooOften.isPresent()) {
            return done(Outcome.rejected(tooOften.get()));
        }
        return directory.find(roomId).thenCompose(room -> {
            Optional<Refusal> refusal = RoomAccessPolicy.toLeave(room, userId);
            if (refusal.isPresent()) {
                return done(Outcome.<RoomId>rejected(refusal.get()));
            }
            // Whether this call or a concurrent one removed them, they are gone: both are told so.
            return rooms.removeMember(roomId, userId)
                    .thenCompose(removed -> {
                        if (removed) {
                            activity.happened(new MemberRemoved(roomId, userId, userId, now()));
                        }
                        return departures.left(roomId, userId);
                    })
                    .thenApply(ignored -> Outcome.accepted(roomId));
        });
    }

    @Override
    public CompletionStage<Outcome<User>> addMember(UserId actor, RoomId roomId, String email) {
        return directory.asSeenBy(roomId, actor).thenCompose(room -> {
            Optional<Refusal> refusal = RoomAccessPolicy.toAddMembers(room, actor);
            if (refusal.isPresent()) {
                return done(Outcome.<User>rejected(refusal.get()));
            }
            if (email == null || email.isBlank()) {
                return done(Outcome.<User>rejected(Refusal.userNotFound()));
            }
            return users.findAccountByEmail(email.strip()).thenCompose(account -> {
                if (account.isEmpty()) {
                    return done(Outcome.<User>rejected(Refusal.userNotFound()));
                }
                User user = account.get().user();
                return rooms.addMember(roomId, user.id())
                        .thenCompose(added -> {
                            memberAdded(added, roomId, user.id(), actor);
                            return directory.find(roomId);
                        })
                        .thenApply(updated -> Outcome.accepted(user));
            });
        });
    }

    @Override
    public CompletionStage<Outcome<Room>> openDirectRoom(UserId caller, String identifier) {
        if (identifier == null || identifier.isBlank()) {
            return done(Outcome.rejected(Refusal.userNotFound()));
        }
        String wanted = identifier.strip();
        CompletionStage<Optional<User>> other = users.findAccountByEmail(wanted).thenCompose(byEmail ->
                byEmail.isPresent()
                        ? CompletableFuture.completedFuture(byEmail.map(account -> account.user()))
                        : users.findByUsername(wanted));
        return other.thenCompose(found -> {
            if (found.isEmpty()) {
                return done(Outcome.<Room>rejected(Refusal.userNotFound()));
            }
            User peer = found.get();
            Optional<Refusal> refusal = RoomAccessPolicy.toOpenDirectRoom(caller, peer.id());
            if (refusal.isPresent()) {
                return done(Outcome.<Room>rejected(refusal.get()));
            }
            return users.findById(caller).thenCompose(self -> {
                String callerName = self.map(User::username).orElse(caller.value());
                Room candidate = new Room(new RoomId(ids.newId()), "DM: " + callerName + " & " + peer.username(),
                        RoomType.PRIVATE, List.of(caller, peer.id()), now(), caller,
                        Room.directKeyOf(caller, peer.id()));
                long mark = directory.mark();
                return rooms.findOrInsertDirect(candidate).thenCompose(room -> {
                    if (room.id().equals(candidate.id())) {
                        activity.happened(new RoomCreated(room)); // the pair's first call: ours was inserted
                    }
                    if (room.hasMember(caller)) {
                        directory.remember(room, mark);
                        return done(Outcome.accepted(room));
                    }
                    // The caller had left it: still the one room of the pair, the caller a member again. The
                    // other user is not brought back by this: only their own call or a member's add does that.
                    return rooms.addMember(room.id(), caller).thenCompose(added -> {
                        memberAdded(added, room.id(), caller, caller);
                        return directory.find(room.id());
                    }).thenApply(updated -> Outcome.accepted(updated.orElse(room)));
                });
            });
        });
    }

    @Override
    public CompletionStage<Outcome<List<ChatMessage>>> history(HistoryQuery query) {
        return directory.asSeenBy(query.roomId(), query.userId()).thenCompose(room -> {
            Optional<Refusal> refusal = RoomAccessPolicy.toRead(room, query.userId());
            if (refusal.isPresent()) {
                return done(Outcome.<List<ChatMessage>>rejected(refusal.get()));
            }
            return messages.history(query.roomId(), query.limit(), query.before(), query.beforeSeq())
                    .thenApply(Outcome::accepted);
        });
    }

    /** Only the call whose store write added them tells: concurrent adds of one user are one change. */
    private void memberAdded(boolean added, RoomId roomId, UserId userId, UserId by) {
        if (added) {
            activity.happened(new MemberAdded(roomId, userId, by, now()));
        }
    }

    private java.time.Instant now() {
        return time.now().truncatedTo(ChronoUnit.MILLIS);
    }

    private static <T> CompletionStage<Outcome<T>> done(Outcome<T> outcome) {
        return CompletableFuture.completedFuture(outcome);
    }
}
