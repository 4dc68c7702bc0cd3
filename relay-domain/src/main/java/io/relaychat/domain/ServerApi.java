package io.relaychat.domain;

import io.relaychat.ports.in.ClientAddress;
import io.relaychat.ports.in.HistoryQuery;
import io.relaychat.ports.in.PublishCommand;
import io.relaychat.ports.in.ServerApiUseCase;
import io.relaychat.ports.in.ServerRoomCommand;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.IdSource;
import io.relaychat.ports.out.MessageStore;
import io.relaychat.ports.out.PresencePort;
import io.relaychat.ports.out.RoomActivity;
import io.relaychat.ports.out.RoomActivity.MemberAdded;
import io.relaychat.ports.out.RoomActivity.MemberRemoved;
import io.relaychat.ports.out.RoomActivity.RoomCreated;
import io.relaychat.ports.out.RoomStore;
import io.relaychat.ports.out.TimeSource;
import io.relaychat.ports.out.UserStore;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The calls of trusted backends: each goes through the same paths as a user's (the send path, the room store and
 * the activity it tells, members' departures, presence), without the membership a user would need. The key is
 * {@link ServerApiKeys}'s to check.
 */
final class ServerApi implements ServerApiUseCase {
    static final UserId BACKEND = ServerApiUseCase.ACTOR;

    private final ServerApiKeys keys;
    private final RoomDirectory directory;
    private final RoomStore rooms;
    private final UserStore users;
    private final MessageStore messages;
    private final PresencePort presence;
    private final MessageSending sending;
    private final ContentPolicy content;
    private final MemberDepartures departures;
    private final UserDisconnects disconnects;
    private final RoomActivity activity;
    private final TimeSource time;
    private final IdSource ids;

    ServerApi(ServerApiKeys keys, RoomDirectory directory, RoomStore rooms, UserStore users, MessageStore messages,
              PresencePort presence, MessageSending sending, ContentPolicy content, MemberDepartures departures,
              UserDisconnects disconnects, RoomActivity activity, TimeSource time, IdSource ids) {
        this.keys = keys;
        this.directory = directory;
        this.rooms = rooms;
        this.users = users;
        this.messages = messages;
        this.presence = presence;
        this.sending = sending;
        this.content = content;
        this.departures = departures;
        this.disconnects = disconnects;
        this.activity = activity;
        this.time = time;
        this.ids = ids;
    }

    @Override
    public Optional<Refusal> admit(String key, ClientAddress from) {
        return keys.admit(key, from);
    }

    @Override
    public CompletionStage<Outcome<ChatMessage>> publish(PublishCommand command) {
        Optional<Refusal> tooLong = content.check(command.message().content());
        if (tooLong.isPresent()) {
            return done(Outcome.rejected(tooLong.get()));
        }
        return sending.publish(command.sender().userId(), command.sender().username(), command.message());
    }

    /** One after the other, so that a batch for one room is stored, and seen, in its order. */
    @Override
    public CompletionStage<List<Outcome<ChatMessage>>> publishAll(List<PublishCommand> commands) {
        List<Outcome<ChatMessage>> answers = new ArrayList<>(commands.size());
        CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
        for (PublishCommand command : commands) {
            chain = chain.thenCompose(ignored -> publish(command)).thenAccept(answers::add);
        }
        return chain.thenApply(ignored -> answers);
    }

    @Override
    public CompletionStage<Outcome<Room>> createRoom(ServerRoomCommand command) {
        return existingUsers(command.members()).thenCompose(members -> {
            Room room = new Room(new RoomId(ids.newId()), command.name(), command.type(), members, now(), BACKEND, null);
            return rooms.insert(room).thenApply(ignored -> {
                directory.remember(room);
                activity.happened(new RoomCreated(room));
                return Outcome.accepted(room);
            });
        });
    }

    @Override
    public CompletionStage<Outcome<Room>> addMembers(RoomId roomId, List<UserId> userIds) {
        return directory.find(roomId).thenCompose(found -> {
            if (found.isEmpty()) {
                return done(Outcome.<Room>rejected(Refusal.roomNotFound()));
            }
            return existingUsers(userIds).thenCompose(members -> inTurn(members, member ->
                    rooms.addMember(roomId, member).thenAccept(added -> {
                        // Only the write that added them tells: concurrent adds of one user are one change.
                        if (added) {
                            activity.happened(new MemberAdded(roomId, member, BACKEND, now()));
                        }
                    })))
                    .thenCompose(ignored -> current(roomId));
        });
    }

    /** As each user's own leave: the store first, then everything that still believes them a member. */
    @Override
    public CompletionStage<Outcome<Room>> removeMembers(RoomId roomId, List<UserId> userIds) {
        return directory.find(roomId).thenCompose(found -> {
            if (found.isEmpty()) {
                return done(Outcome.<Room>rejected(Refusal.roomNotFound()));
            }
            return inTurn(List.copyOf(new LinkedHashSet<>(userIds)), member ->
                    rooms.removeMember(roomId, member).thenCompose(removed -> {
                        if (removed) {
                            activity.happened(new MemberRemoved(roomId, member, BACKEND, now()));
                        }
                        return departures.left(roomId, member);
                    }))
                    .thenCompose(ignored -> current(roomId));
        });
    }

    @Override
    public CompletionStage<Integer> disconnect(UserId userId) {
        return disconnects.disconnect(userId);
    }

    @Override
    public CompletionStage<Outcome<Map<UserId, String>>> presence(RoomId roomId) {
        return directory.find(roomId).thenCompose(found -> found.isEmpty()
                ? done(Outcome.<Map<UserId, String>>rejected(Refusal.roomNotFound()))
                : presence.online(roomId).thenApply(Outcome::accepted));
    }

    @Override
    public CompletionStage<Outcome<List<ChatMessage>>> history(RoomId roomId, int limit, Instant before, Long beforeSeq) {
        HistoryQuery query = new HistoryQuery(BACKEND, roomId, limit, before, beforeSeq); // checks the paging
        return directory.find(roomId).thenCompose(found -> found.isEmpty()
                ? done(Outcome.<List<ChatMessage>>rejected(Refusal.roomNotFound()))
                : messages.history(roomId, query.limit(), query.before(), query.beforeSeq()).thenApply(Outcome::accepted));
    }

    private CompletionStage<Outcome<Room>> current(RoomId roomId) {
        return directory.find(roomId).thenApply(room -> room.map(Outcome::accepted)
                .orElseGet(() -> Outcome.rejected(Refusal.roomNotFound())));
    }

    /** The ids among {@code candidates} that belong to a user, in order, each once. */
    private CompletionStage<List<UserId>> existingUsers(List<UserId> candidates) {
        return RoomService.existingUsers(users, List.copyOf(new LinkedHashSet<>(candidates)));
    }

    /** One store write at a time: a thousand ids must not be a thousand writes at once. */
    private static CompletionStage<Void> inTurn(List<UserId> userIds,
                                                Function<UserId, CompletionStage<Void>> step) {
        CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
        for (UserId userId : userIds) {
            chain = chain.thenCompose(ignored -> step.apply(userId));
        }
        return chain;
    }

    private Instant now() {
        return time.now().truncatedTo(ChronoUnit.MILLIS);
    }

    private static <T> CompletionStage<Outcome<T>> done(Outcome<T> outcome) {
        return CompletableFuture.completedFuture(outcome);
    }
}
