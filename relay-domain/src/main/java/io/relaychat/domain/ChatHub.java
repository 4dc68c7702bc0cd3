package io.relaychat.domain;

import io.relaychat.ports.in.ChatConnection;
import io.relaychat.ports.in.ChatUseCase;
import io.relaychat.ports.in.SendMessageCommand;
import io.relaychat.ports.model.Broadcast;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.ClientSink;
import io.relaychat.ports.model.ConnectionId;
import io.relaychat.ports.model.MessageId;
import io.relaychat.ports.model.NewMessage;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomEvent;
import io.relaychat.ports.model.RoomEvent.MessagePosted;
import io.relaychat.ports.model.RoomEvent.PresenceUpdate;
import io.relaychat.ports.model.RoomEvent.Typing;
import io.relaychat.ports.model.RoomEvent.UserJoined;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.ServerEvent.ErrorNotice;
import io.relaychat.ports.model.ServerEvent.SystemNotice;
import io.relaychat.ports.model.StorageUnavailableException;
import io.relaychat.ports.model.User;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.IdSource;
import io.relaychat.ports.out.MessageStore;
import io.relaychat.ports.out.MessageStore.Appended;
import io.relaychat.ports.out.PresencePort;
import io.relaychat.ports.out.RoomEventBus;
import io.relaychat.ports.out.RoomPresence;
import io.relaychat.ports.out.Scheduler;
import io.relaychat.ports.out.SendForwarding;
import io.relaychat.ports.out.TimeSource;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Real-time routing on this node: which local connections are joined to which room, and getting
 * every room event to them. Local connections are served directly; other nodes hear of events
 * through the {@link RoomEventBus}.
 */
final class ChatHub implements ChatUseCase {
    static final String ACCESS_DENIED_TO_ROOM = "Access denied to room";
    static final String ACCESS_DENIED = "Access denied";
    static final String NOT_JOINED = "Join the room first";
    static final String STORAGE_UNAVAILABLE = "Message not delivered: storage unavailable";
    static final String NOT_DELIVERED = "Message not delivered: internal error";

    private final RoomDirectory directory;
    private final MessageStore messages;
    private final PresencePort presence;
    private final RoomEventBus bus;
    private final SendForwarding forwarding;
    private final TimeSource time;
    private final IdSource ids;
    private final Scheduler scheduler;
    private final Limits limits;
    private final Consumer<Throwable> faults;

    private final Map<RoomId, RoomChannel> channels = new ConcurrentHashMap<>();
    private final Map<UserId, Set<LiveConnection>> connectionsByUser = new ConcurrentHashMap<>();
    private final PresenceThrottle presenceUpdates;

    ChatHub(RoomDirectory directory, MessageStore messages, PresencePort presence, RoomEventBus bus,
            SendForwarding forwarding, TimeSource time, IdSource ids, Scheduler scheduler, Limits limits,
            Consumer<Throwable> faults) {
        this.directory = directory;
        this.messages = messages;
        this.presence = presence;
        this.bus = bus;
        this.forwarding = forwarding;
        this.time = time;
        this.ids = ids;
        this.scheduler = scheduler;
        this.limits = limits;
        this.faults = faults;
        this.presenceUpdates = new PresenceThrottle(limits.presenceWindow(), scheduler, this::sendPresence);
        bus.listen(new RoomEventBus.Listener() {
            @Override
            public void onEvent(RoomEvent event) {
                onRemoteEvent(event);
            }

            @Override
            public void onResumed() {
                channels.values().forEach(ChatHub.this::catchUpFromStore);
            }
        });
        presence.onExpired(this::announceExpiredPresence);
        forwarding.listen(this::storeAndAnnounce);
    }

    @Override
    public ChatConnection connect(User user, ClientSink sink) {
        LiveConnection connection = new LiveConnection(new ConnectionId(ids.newId()), user, sink, this);
        connectionsByUser.computeIfAbsent(user.id(), id -> ConcurrentHashMap.newKeySet()).add(connection);
        return connection;
    }

    // ---- requests of one connection; LiveConnection runs them one at a time ----

    CompletionStage<Void> join(LiveConnection connection, RoomId roomId, Long sinceSeq) {
        UserId userId = connection.user().id();
        return directory.roomOfMember(roomId, userId).thenCompose(found -> {
            if (found.isEmpty()) {
                connection.tell(new ErrorNotice(ACCESS_DENIED_TO_ROOM));
                return done();
            }
            Room room = found.get();
            if (connection.joinedRooms().contains(roomId)) {
                // Joining again changes nothing: just repeat the answer the first join gave.
                return presence.online(roomId).thenAccept(online -> greet(connection, room, online));
            }
            RoomChannel channel = attach(connection, roomId);
            connection.joinedRooms().add(roomId);
            return channel.opened()
                    .thenCompose(ignored -> enterPresence(connection, roomId))
                    .thenCompose(entered -> {
                        greet(connection, room, entered.online());
                        Predicate<LiveConnection> joiner = other -> other == connection;
                        UserJoined joined = new UserJoined(roomId, userId, connection.user().username());
                        channel.broadcast(joined, joiner);
                        publish(joined);
                        if (entered.changed()) {
                            presenceUpdates.changed(new PresenceUpdate(roomId, entered.online()), connection);
                        }
                        return sinceSeq == null ? goLiveFromJoin(channel, connection) : catchUp(channel, connection,
                                sinceSeq);
                    })
                    .exceptionallyCompose(error -> {
                        reportJoinFailure(connection, roomId, error);
                        return leave(connection, roomId);
                    });
        });
    }

    /**
     * Presence that cannot be reached must not keep anyone out of a room: the joiner then goes on knowing
     * only of itself, and the others hear of the join without a presence update.
     */
    private CompletionStage<RoomPresence> enterPresence(LiveConnection connection, RoomId roomId) {
        User user = connection.user();
        return presence.enter(roomId, connection.id(), user.id(), user.username()).exceptionally(error -> {
            faults.accept(unwrap(error));
            return new RoomPresence(Map.of(user.id(), user.username()), false);
        });
    }

    private void greet(LiveConnection connection, Room room, Map<UserId, String> online) {
        connection.tell(new SystemNotice("Joined room: " + room.name()));
        connection.tell(new PresenceUpdate(room.id(), online));
    }

    private CompletionStage<Void> goLiveFromJoin(RoomChannel channel, LiveConnection connection) {
        channel.goLiveFromJoin(connection.id());
        return done();
    }

    /**
     * Sends the stored messages after {@code sinceSeq} up to what the channel has released, page by
     * page; everything released later was buffered for this subscription and follows without a gap.
     */
    private CompletionStage<Void> catchUp(RoomChannel channel, LiveConnection connection, long sinceSeq) {
        long upTo = channel.lastReleasedSeq();
        return sendStored(connection, channel.roomId(), sinceSeq, upTo)
                .thenAccept(ignored -> channel.goLive(connection.id(), Math.max(sinceSeq, upTo)));
    }

    private CompletionStage<Void> sendStored(LiveConnection connection, RoomId roomId, long after, long upTo) {
        if (after >= upTo || connection.isClosed()) {
            return done();
        }
        int page = limits.catchUpPageSize();
        return messages.since(roomId, after, page).thenCompose(batch -> {
            long last = after;
            for (ChatMessage message : batch) {
                if (message.seq() > upTo) {
                    return done();
                }
                connection.tell(new MessagePosted(message));
                last = message.seq();
            }
            return batch.size() < page ? done() : sendStored(connection, roomId, last, upTo);
        });
    }

    private void reportJoinFailure(LiveConnection connection, RoomId roomId, Throwable error) {
        Throwable cause = unwrap(error);
        if (!(cause instanceof StorageUnavailableException)) {
            faults.accept(cause);
        }
        connection.tell(new ErrorNotice("Could not join room " + roomId + ": service unavailable"));
    }

    CompletionStage<Void> leave(LiveConnection connection, RoomId roomId) {
        if (!connection.joinedRooms().remove(roomId)) {
            return done();
        }
        detach(connection, roomId);
        return presence.exit(roomId, connection.id())
                .thenAccept(left -> announcePresence(roomId, left))
                .exceptionally(error -> {
                    faults.accept(unwrap(error));
                    return null;
                });
    }

    private void announcePresence(RoomId roomId, RoomPresence after) {
        if (after.changed()) {
            presenceUpdates.changed(new PresenceUpdate(roomId, after.online()), null);
        }
    }

    /** Sends a presence update to this node's connections in the room but {@code informed}, and to the other nodes. */
    private void sendPresence(PresenceUpdate update, LiveConnection informed) {
        RoomChannel channel = channels.get(update.roomId());
        if (channel != null) {
            channel.broadcast(update, connection -> connection == informed);
        }
        publish(update);
    }

    CompletionStage<Void> typing(LiveConnection connection, RoomId roomId) {
        RoomChannel channel = channels.get(roomId);
        if (!connection.joinedRooms().contains(roomId) || channel == null) {
            connection.tell(new ErrorNotice(NOT_JOINED));
            return done();
        }
        UserId userId = connection.user().id();
        Typing typing = new Typing(roomId, userId, connection.user().username());
        channel.broadcast(typing, other -> other.user().id().equals(userId));
        publish(typing);
        return done();
    }

    CompletionStage<Void> send(LiveConnection connection, SendMessageCommand command) {
        String clientId = command.clientId();
        String content = command.content();
        // Characters as a person counts them: an emoji outside the BMP is one, not two UTF-16 units.
        if (content.length() > limits.maxContentChars()
                && content.codePointCount(0, content.length()) > limits.maxContentChars()) {
            connection.tell(new ErrorNotice(
                    "Message content exceeds " + limits.maxContentChars() + " characters", clientId));
            return done();
        }
        User sender = connection.user();
        return directory.roomOfMember(command.roomId(), sender.id()).thenCompose(room -> {
            if (room.isEmpty()) {
                connection.tell(new ErrorNotice(ACCESS_DENIED, clientId));
                return done();
            }
            NewMessage message = new NewMessage(new MessageId(ids.newId()), command.roomId(), sender.id(),
                    sender.username(), command.content(), time.now().truncatedTo(ChronoUnit.MILLIS),
                    command.attachments(), clientId);
            return store(message).thenAccept(appended -> {
                if (appended.duplicate()) {
                    // A retry of a message already stored: only the sender needs to hear of it again.
                    connection.tell(new MessagePosted(appended.message()));
                }
            });
        }).exceptionally(error -> {
            Throwable cause = unwrap(error);
            if (cause instanceof StorageUnavailableException) {
                connection.tell(new ErrorNotice(STORAGE_UNAVAILABLE, clientId));
            } else {
                faults.accept(cause);
                connection.tell(new ErrorNotice(NOT_DELIVERED, clientId));
            }
            return null;
        });
    }

    CompletionStage<Void> disconnect(LiveConnection connection) {
        connectionsByUser.computeIfPresent(connection.user().id(), (id, set) -> {
            set.remove(connection);
            return set.isEmpty() ? null : set;
        });
        List<CompletableFuture<Void>> leaving = new ArrayList<>();
        for (RoomId roomId : List.copyOf(connection.joinedRooms())) {
            leaving.add(leave(connection, roomId).toCompletableFuture());
        }
        return CompletableFuture.allOf(leaving.toArray(CompletableFuture[]::new));
    }

    /**
     * Stores a send and tells everyone, here or through the node that stores the room's messages. A stored
     * message is routed here either way (the storing node's publication may arrive too; the room's orderer
     * lets it through once).
     */
    private CompletionStage<Appended> store(NewMessage message) {
        if (forwarding.storesHere(message.roomId())) {
            return storeAndAnnounce(message);
        }
        return forwarding.forward(message).thenApply(appended -> {
            if (!appended.duplicate()) {
                route(appended.message());
            }
            return appended;
        }).exceptionallyCompose(error -> unwrap(error) instanceof StorageUnavailableException
                ? CompletableFuture.failedFuture(unwrap(error))
                // The storing node did not answer: store it here; if it got there after all, its id tells.
                : storeAndAnnounce(message));
    }

    /** Stores a send taken here or forwarded by another node, routes it here and publishes it for the others. */
    private CompletionStage<Appended> storeAndAnnounce(NewMessage message) {
        return messages.append(message).thenApply(appended -> {
            if (!appended.duplicate()) {
                route(appended.message());
                publish(new MessagePosted(appended.message()));
            }
            return appended;
        });
    }

    // ---- routing ----

    /** A message stored by this node or another: to the room's joined connections and the sender's own. */
    private void route(ChatMessage message) {
        List<LiveConnection> senderConnections = localConnectionsOf(message.userId());
        RoomChannel channel = channels.get(message.roomId());
        if (channel != null) {
            channel.offer(message, senderConnections);
        } else {
            MessagePosted posted = new MessagePosted(message);
            Broadcast broadcast = new Broadcast(posted);
            senderConnections.forEach(connection -> connection.deliver(broadcast));
        }
    }

    private void onRemoteEvent(RoomEvent event) {
        if (event instanceof MessagePosted posted) {
            messages.observed(posted.roomId(), posted.message().seq());
            route(posted.message());
            return;
        }
        RoomChannel channel = channels.get(event.roomId());
        if (channel == null) {
            return;
        }
        if (event instanceof Typing typing) {
            channel.broadcast(event, connection -> connection.user().id().equals(typing.userId()));
        } else {
            channel.broadcast(event, connection -> false);
        }
    }

    /**
     * After the bus was cut off, other nodes' messages may have been lost on the way: read what the store
     * has after what this room released, page by page, and let the orderer place it.
     */
    private void catchUpFromStore(RoomChannel channel) {
        if (!channel.isReady()) {
            return; // still opening: it reads where the room stands once ready, after subscribing
        }
        long after = channel.lastReleasedSeq();
        messages.since(channel.roomId(), after, limits.catchUpPageSize()).whenComplete((found, error) -> {
            if (error != null) {
                faults.accept(unwrap(error));
                return;
            }
            found.forEach(message -> channel.offer(message, localConnectionsOf(message.userId())));
            if (found.size() == limits.catchUpPageSize()) {
                catchUpFromStore(channel);
            }
        });
    }

    private void announceExpiredPresence(RoomId roomId, Map<UserId, String> online) {
        announcePresence(roomId, new RoomPresence(online, true));
    }

    private List<LiveConnection> localConnectionsOf(UserId userId) {
        Set<LiveConnection> own = connectionsByUser.get(userId);
        return own == null ? List.of() : List.copyOf(own);
    }

    private void publish(RoomEvent event) {
        bus.publish(event).exceptionally(error -> {
            faults.accept(unwrap(error));
            return null;
        });
    }

    // ---- channel lifecycle ----

    /** Attaches the connection to the room's channel, opening the channel when it is the room's first here. */
    private RoomChannel attach(LiveConnection connection, RoomId roomId) {
        while (true) {
            boolean[] created = {false};
            RoomChannel channel = channels.computeIfAbsent(roomId, id -> {
                created[0] = true;
                return new RoomChannel(id, this::scheduleGapCheck);
            });
            if (channel.attach(connection)) {
                if (created[0]) {
                    open(channel);
                }
                return channel;
            }
            // Closed by its last leaver a moment ago: it is leaving the map, take a fresh one.
            channels.remove(roomId, channel);
        }
    }

    /**
     * Subscribes to the room's traffic from other nodes first, then reads where the room stands, so no
     * message falls between the two. A channel that cannot open is dropped: the next join tries again.
     */
    private void open(RoomChannel channel) {
        RoomId roomId = channel.roomId();
        bus.subscribe(roomId)
                .exceptionally(error -> {
                    faults.accept(unwrap(error)); // delivery here goes on; the bus subscribes once it can
                    return null;
                })
                .thenCompose(ignored -> messages.history(roomId, 1, null, null))
                .whenComplete((last, error) -> {
                    if (error == null) {
                        long lastSeq = last.isEmpty() ? 0 : last.get(last.size() - 1).seq();
                        channel.ready(lastSeq, this::localConnectionsOf);
                    } else {
                        channels.remove(roomId, channel);
                        channel.failed(unwrap(error));
                    }
                });
    }

    private void scheduleGapCheck(RoomChannel channel) {
        scheduler.schedule(limits.gapTimeout(), () -> fillGap(channel));
    }

    /**
     * A message has waited the gap timeout for earlier ones: read them from the store, and give up on any
     * the store does not have (an insert that failed after its seq was taken). If the store cannot be
     * read either, the room still moves on; the missing messages stay in history if they were stored.
     */
    private void fillGap(RoomChannel channel) {
        long[] gap = channel.gapToFill();
        if (gap == null) {
            return;
        }
        long after = gap[0];
        long before = gap[1];
        int missing = (int) Math.min(before - after - 1, limits.catchUpPageSize());
        messages.since(channel.roomId(), after, missing).whenComplete((found, error) -> {
            if (error != null) {
                faults.accept(unwrap(error));
            }
            channel.fillGap(error == null ? found : List.of(), before, this::localConnectionsOf);
        });
    }

    private void detach(LiveConnection connection, RoomId roomId) {
        RoomChannel channel = channels.get(roomId);
        if (channel != null && channel.detach(connection.id())) {
            channels.remove(roomId, channel);
            bus.unsubscribe(roomId).exceptionally(error -> {
                faults.accept(unwrap(error));
                return null;
            });
        }
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static CompletionStage<Void> done() {
        return CompletableFuture.completedFuture(null);
    }
}
