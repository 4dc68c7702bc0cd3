package io.relaychat.domain;

import io.relaychat.ports.in.ChatConnection;
import io.relaychat.ports.in.SendMessageCommand;
import io.relaychat.ports.model.Broadcast;
import io.relaychat.ports.model.ClientSink;
import io.relaychat.ports.model.ConnectionId;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.ServerEvent;
import io.relaychat.ports.model.User;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** A client connection as the core tracks it: its sink, the rooms it joined, and its request queue. */
final class LiveConnection implements ChatConnection {
    private final ConnectionId id;
    private final User user;
    private final ClientSink sink;
    private final ChatHub hub;
    private final SerialQueue requests = new SerialQueue();
    private final Set<RoomId> joinedRooms = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    LiveConnection(ConnectionId id, User user, ClientSink sink, ChatHub hub) {
        this.id = id;
        this.user = user;
        this.sink = sink;
        this.hub = hub;
    }

    @Override
    public ConnectionId id() {
        return id;
    }

    @Override
    public User user() {
        return user;
    }

    @Override
    public CompletionStage<Void> join(RoomId roomId, Long sinceSeq) {
        return enqueue(() -> hub.join(this, roomId, sinceSeq));
    }

    @Override
    public CompletionStage<Void> leave(RoomId roomId) {
        return enqueue(() -> hub.leave(this, roomId));
    }

    @Override
    public CompletionStage<Void> send(SendMessageCommand command) {
        return enqueue(() -> hub.send(this, command));
    }

    @Override
    public CompletionStage<Void> typing(RoomId roomId) {
        return enqueue(() -> hub.typing(this, roomId));
    }

    @Override
    public CompletionStage<Void> close() {
        if (closed) {
            return CompletableFuture.completedFuture(null);
        }
        closed = true;
        return requests.submit(() -> hub.disconnect(this));
    }

    private CompletionStage<Void> enqueue(Supplier<? extends CompletionStage<?>> request) {
        if (closed) {
            return CompletableFuture.completedFuture(null);
        }
        return requests.submit(request);
    }

    Set<RoomId> joinedRooms() {
        return joinedRooms;
    }

    boolean isClosed() {
        return closed;
    }

    void deliver(Broadcast broadcast) {
        sink.send(broadcast);
    }

    void tell(ServerEvent event) {
        sink.send(new Broadcast(event));
    }

    @Override
    public String toString() {
        return "Connection[" + id + " of " + user.username() + "]";
    }
}
