package io.relaychat.domain;

import io.relaychat.ports.in.ChatConnection;
import io.relaychat.ports.in.ChatUseCase;
import io.relaychat.ports.in.SendMessageCommand;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.ClientSink;
import io.relaychat.ports.model.ConnectionId;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomEvent.PresenceUpdate;
import io.relaychat.ports.model.RoomEvent.Typing;
import io.relaychat.ports.model.RoomEvent.UserJoined;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.ServerEvent.SystemNotice;
import io.relaychat.ports.model.User;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.IdSource;
import io.relaychat.ports.out.RelayMetrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The requests of connected clients: connecting, joining and leaving rooms, typing, sending. Each is
 * checked against the rules and the user's quotas, and carried out through the router, presence and the send
 * path; a refusal is answered as an outcome, for the transport to tell the client.
 */
final class ChatRequests implements ChatUseCase, ConnectionRequests {
    private final RoomDirectory directory;
    private final LocalConnections connections;
    private final RoomRouter router;
    private final PresenceAnnouncer presence;
    private final MessageSending sending;
    private final ContentPolicy content;
    private final ChatQuotas quotas;
    private final int maxConnectionsPerUser;
    private final IdSource ids;
    private final RelayMetrics metrics;

    ChatRequests(RoomDirectory directory, LocalConnections connections, RoomRouter router, PresenceAnnouncer presence,
                 MessageSending sending, ContentPolicy content, ChatQuotas quotas, int maxConnectionsPerUser,
                 IdSource ids, RelayMetrics metrics) {
        this.directory = directory;
        this.connections = connections;
        this.router = router;
        this.presence = presence;
        this.sending = sending;
        this.content = content;
        this.quotas = quotas;
        this.maxConnectionsPerUser = maxConnectionsPerUser;
        this.ids = ids;
        this.metrics = metrics;
    }

    @Override
    public Outcome<ChatConnection> connect(User user, ClientSink sink) {
        LiveConnection connection = new LiveConnection(new ConnectionId(ids.newId()), user, sink, this);
        if (!connections.addUnlessFull(connection, maxConnectionsPerUser)) {
            return Outcome.rejected(Refusal.tooManyConnectionsForUser(maxConnectionsPerUser));
        }
        return Outcome.accepted(connection);
    }

    @Override
    public Optional<Refusal> admit(LiveConnection connection, SendMessageCommand command) {
        Optional<Refusal> tooLong = content.check(command.content());
        Optional<Refusal> refusal = tooLong.isPresent() ? tooLong : quotas.toSend(connection.user().id());
        if (refusal.isPresent()) {
            metrics.messageRefused(refusal.get().reason());
        }
        return refusal;
    }

    /**
     * A member joins: greeted, entered into presence, announced to the room, then live (resuming from
     * {@code sinceSeq} if given). Joining again only repeats the greeting. A join that fails half-way is
     * undone, so that the next one starts clean.
     */
    @Override
    public CompletionStage<Outcome<Room>> join(LiveConnection connection, RoomId roomId, Long sinceSeq) {
        UserId userId = connection.user().id();
        Optional<Refusal> tooOften = quotas.toJoin(userId);
        if (tooOften.isPresent()) {
            return done(Outcome.rejected(tooOften.get()));
        }
        return directory.asSeenBy(roomId, userId).thenCompose(found -> {
            Optional<Refusal> refusal = RoomAccessPolicy.toListen(found, userId);
            if (refusal.isPresent()) {
                return done(Outcome.<Room>rejected(refusal.get()));
            }
            Room room = found.get();
            if (connection.joinedRooms().contains(roomId)) {
                return presence.onlineAsSeenBy(connection, roomId).thenApply(online -> {
                    greet(connection, room, online);
                    return Outcome.accepted(room);
                });
            }
            Optional<Refusal> tooMany = quotas.toHoldAnotherRoom(connection);
            if (tooMany.isPresent()) {
                return done(Outcome.<Room>rejected(tooMany.get()));
            }
            connection.joinedRooms().add(roomId);
            RoomChannel channel = router.attach(connection, roomId);
            return channel.opened()
                    .thenCompose(ignored -> presence.enter(connection, roomId))
                    .thenCompose(entered -> {
                        greet(connection, room, entered.online());
                        router.announce(new UserJoined(roomId, userId, connection.user().username()),
                                other -> other == connection);
                        presence.announce(roomId, entered, connection);
                        return router.goLive(channel, connection, sinceSeq);
                    })
                    .thenApply(live -> Outcome.accepted(room))
                    .exceptionallyCompose(error -> leave(connection, roomId)
                            .thenCompose(left -> CompletableFuture.failedFuture(error)));
        });
    }

    private static void greet(LiveConnection connection, Room room, Map<UserId, String> online) {
        connection.tell(new SystemNotice("Joined room: " + room.name()));
        connection.tell(new PresenceUpdate(room.id(), online));
    }

    @Override
    public CompletionStage<Void> leave(LiveConnection connection, RoomId roomId) {
        if (!connection.joinedRooms().remove(roomId)) {
            return done(null);
        }
        router.detach(connection, roomId);
        return presence.exit(connection, roomId);
    }

    @Override
    public CompletionStage<Outcome<RoomId>> typing(LiveConnection connection, RoomId roomId) {
        if (!connection.joinedRooms().contains(roomId)) {
            return done(Outcome.rejected(Refusal.notJoined()));
        }
        UserId userId = connection.user().id();
        Optional<Refusal> tooOften = quotas.toType(userId);
        if (tooOften.isPresent()) {
            return done(Outcome.rejected(tooOften.get()));
        }
        router.announce(new Typing(roomId, userId, connection.user().username()),
                other -> other.user().id().equals(userId));
        return done(Outcome.accepted(roomId));
    }

    @Override
    public CompletionStage<Outcome<ChatMessage>> send(LiveConnection connection, SendMessageCommand command) {
        return sending.send(connection, command);
    }

    @Override
    public CompletionStage<Void> disconnect(LiveConnection connection) {
        connections.remove(connection);
        List<CompletableFuture<Void>> leaving = new ArrayList<>();
        for (RoomId roomId : List.copyOf(connection.joinedRooms())) {
            leaving.add(leave(connection, roomId).toCompletableFuture());
        }
        return CompletableFuture.allOf(leaving.toArray(CompletableFuture[]::new));
    }

    private static <T> CompletionStage<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
