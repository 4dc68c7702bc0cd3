package io.relaychat.domain;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Runs asynchronous steps one after another, in submission order, so that one client's requests
 * take effect in the order it made them even when storage answers out of order.
 * A failed step does not stop the queue.
 */
final class SerialQueue {
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

    synchronized CompletionStage<Void> submit(Supplier<? extends CompletionStage<?>> step) {
        CompletableFuture<Void> next = tail.handle((ignored, error) -> null)
                .thenCompose(ignored -> {
                    try {
                        return step.get().thenApply(result -> (Void) null);
                    } catch (RuntimeException e) {
                        return CompletableFuture.<Void>failedFuture(e);
                    }
                });
        tail = next;
        return next;
    }
}
