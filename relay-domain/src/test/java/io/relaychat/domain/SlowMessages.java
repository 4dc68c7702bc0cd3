package io.relaychat.domain;

import io.relaychat.ports.model.Appended;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.NewMessage;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.out.MessageStore;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A message store whose appends complete only once {@code release} does, like a slow database. */
record SlowMessages(MessageStore delegate, CompletableFuture<Void> release) implements MessageStore {
    @Override
    public CompletionStage<Appended> append(NewMessage message) {
        return release.thenCompose(ignored -> delegate.append(message));
    }

    @Override
    public CompletionStage<List<ChatMessage>> history(RoomId roomId, int limit, Instant before, Long beforeSeq) {
        return delegate.history(roomId, limit, before, beforeSeq);
    }

    @Override
    public CompletionStage<List<ChatMessage>> since(RoomId roomId, long afterSeq, int limit) {
        return delegate.since(roomId, afterSeq, limit);
    }
}
