package io.relaychat.domain;

import io.relaychat.ports.in.ChatConnection;
import io.relaychat.ports.in.SendMessageCommand;
import io.relaychat.ports.model.Broadcast;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.ClientSink;
import io.relaychat.ports.model.ConnectionId;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.ServerEvent;
import io.relaychat.ports.model.User;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A client connection as the core tracks it: its sink, the rooms it joined, and its requests, which it
 * queues and hands to {@link ConnectionRequests} one at a time.
 */
final class LiveConnection implements ChatConnection {
    private final ConnectionId id;
    private final User user;
    private final ClientSink sink;
    private final ConnectionRequests requests;
    private final SerialQueue queue = new SerialQueue();
    private final Set<RoomId> joinedRooms = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    LiveConnection(ConnectionId id, User user, ClientSink sink, ConnectionRequests requests) {
        this.id = id;
        this.user = user;
        this.sink = sink;
        this.requests = requests;
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
    public CompletionStage<Outcome<Room>> join(RoomId roomId, Long sinceSeq) {
        return enqueue(() -> requests.join(this, roomId, sinceSeq));
    }

    @Override
    public CompletionStage<Void> leave(RoomId roomId) {
        return enqueue(() -> requests.leave(this, roomId));
    }

    /**
     * A send refused on arrival still takes its turn, so that its answer keeps request order, but what queues
     * is the refusal alone, not the message.
     */
    @Override
    public CompletionStage<Outcome<ChatMessage>> send(SendMessageCommand command) {
        Optional<Refusal> refused = requests.admit(this, command);
        if (refused.isPresent()) {
            Outcome<ChatMessage> answer = Outcome.rejected(refused.get());
            return enqueue(() -> CompletableFuture.completedFuture(answer));
        }
        return enqueue(() -> requests.send(this, command));
    }

    @Override
    public CompletionStage<Outcome<RoomId>> typing(RoomId roomId) {
        return enqueue(() -> requests.typing(this, roomId));
    }

    @Override
    public CompletionStage<Void> close() {
        if (closed) {
            return CompletableFuture.completedFuture(null);
        }
        closed = true;
        return queue.submit(() -> requests.disconnect(this));
    }

    private <T> CompletionStage<T> enqueue(Supplier<? extends CompletionStage<T>> request) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException(this + " is closed"));
        }
        return queue.submit(request);
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

    /** Completes once what was sent to this client has mostly left for it (see {@link ClientSink#whenWritable}). */
    CompletionStage<Void> whenWritable() {
        return sink.whenWritable();
    }

    /** Has the transport close this client's connection, saying why; its close then ends this one. */
    void disconnect(String reason) {
        sink.disconnect(reason);
    }

    void tell(ServerEvent event) {
        sink.send(new Broadcast(event));
    }

    @Override
    public String toString() {
        return "Connection[" + id + " of " + user.username() + "]";
    }
}
