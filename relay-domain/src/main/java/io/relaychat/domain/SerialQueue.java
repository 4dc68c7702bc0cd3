package io.relaychat.domain;

import io.relaychat.ports.model.Failures;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Runs asynchronous steps one after another, in submission order, so that one client's requests
 * take effect in the order it made them even when storage answers out of order. A failed step does not
 * stop the queue.
 * <p>
 * A step's answer is also handed over in order: the stage returned for it completes, and runs what was
 * waiting on it, before the next step starts. A transport that writes each answer as it completes
 * therefore writes them in request order; if the next step were chained on the returned stage itself, it
 * could run (and answer) before the callbacks registered earlier on that stage.
 */
final class SerialQueue {
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

    synchronized <T> CompletionStage<T> submit(Supplier<? extends CompletionStage<T>> step) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        tail = tail.thenCompose(ignored -> run(step)).handle((value, error) -> {
            if (error == null) {
                answer.complete(value);
            } else {
                answer.completeExceptionally(Failures.cause(error));
            }
            return null;
        });
        return answer;
    }

    private static <T> CompletionStage<T> run(Supplier<? extends CompletionStage<T>> step) {
        try {
            return step.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
