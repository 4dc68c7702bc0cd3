package io.relaychat.adapter.netty;

import io.relaychat.ports.in.ChatConnection;
import io.relaychat.ports.in.SendMessageCommand;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.ConnectionId;
import io.relaychat.ports.model.MessageId;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.RoomType;
import io.relaychat.ports.model.User;
import io.relaychat.ports.model.UserId;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A connection of the core as the transport sees it: it records every request and answers as the test
 * says, accepting everything by default.
 */
final class FakeChatConnection implements ChatConnection {
    final List<Object> requests = new CopyOnWriteArrayList<>();
    Function<RoomId, CompletionStage<Outcome<Room>>> onJoin = roomId -> done(Outcome.accepted(roomNamed(roomId)));
    Function<SendMessageCommand, CompletionStage<Outcome<ChatMessage>>> onSend = command -> done(Outcome.accepted(stored(command)));
    Function<RoomId, CompletionStage<Outcome<RoomId>>> onTyping = roomId -> done(Outcome.accepted(roomId));
    Function<RoomId, CompletionStage<Void>> onLeave = roomId -> done(null);
    volatile int closes;

    private final User user;

    FakeChatConnection(User user) {
        this.user = user;
    }

    record Joined(RoomId roomId, Long sinceSeq) {
    }

    record Left(RoomId roomId) {
    }

    record Typed(RoomId roomId) {
    }

    static <T> CompletionStage<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }

    static Room roomNamed(RoomId roomId) {
        return new Room(roomId, "general", RoomType.GROUP, List.of(), Instant.EPOCH, new UserId("u0"), null);
    }

    ChatMessage stored(SendMessageCommand command) {
        return new ChatMessage(new MessageId("m1"), command.roomId(), user.id(), user.username(), command.content(),
                Instant.EPOCH, command.attachments(), 1, command.clientId());
    }

    @Override
    public ConnectionId id() {
        return new ConnectionId("c1");
    }

    @Override
    public User user() {
        return user;
    }

    @Override
    public CompletionStage<Outcome<Room>> join(RoomId roomId, Long sinceSeq) {
        requests.add(new Joined(roomId, sinceSeq));
        return onJoin.apply(roomId);
    }

    @Override
    public CompletionStage<Void> leave(RoomId roomId) {
        requests.add(new Left(roomId));
        return onLeave.apply(roomId);
    }

    @Override
    public CompletionStage<Outcome<ChatMessage>> send(SendMessageCommand command) {
        requests.add(command);
        return onSend.apply(command);
    }

    @Override
    public CompletionStage<Outcome<RoomId>> typing(RoomId roomId) {
        requests.add(new Typed(roomId));
        return onTyping.apply(roomId);
    }

    @Override
    public CompletionStage<Void> close() {
        closes++;
        return done(null);
    }
}
