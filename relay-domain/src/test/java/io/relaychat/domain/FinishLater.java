package io.relaychat.domain;

import io.relaychat.ports.model.Appended;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.NewMessage;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.StorageUnavailableException;
import io.relaychat.ports.out.MessageStore;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A message store that numbers each append at once, as its delegate does, and finishes it only when the test says,
 * in any order: appends that finish out of seq order, as concurrent ones on a real store may.
 */
final class FinishLater implements MessageStore {
    private final MessageStore delegate;
    /** The appends taken, in the order they were numbered, each with what its delegate answered. */
    private final List<CompletableFuture<Appended>> numbered = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<Appended>> answers = new CopyOnWriteArrayList<>();

    FinishLater(MessageStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public CompletionStage<Appended> append(NewMessage message) {
        numbered.add(delegate.append(message).toCompletableFuture());
        CompletableFuture<Appended> answer = new CompletableFuture<>();
        answers.add(answer);
        return answer;
    }

    /** Appends taken so far. */
    int taken() {
        return answers.size();
    }

    /** Finishes the append numbered {@code index} (from 0) with what the delegate stored. */
    void finish(int index) {
        numbered.get(index).whenComplete((appended, error) -> {
            if (error != null) {
                answers.get(index).completeExceptionally(error);
            } else {
                answers.get(index).complete(appended);
            }
        });
    }

    /** Fails the append numbered {@code index}, as a store that lost its connection before answering. */
    void fail(int index) {
        answers.get(index).completeExceptionally(new StorageUnavailableException("the store went away"));
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
