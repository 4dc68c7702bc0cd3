package io.relaychat.adapter.mongo;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Runs asynchronous tasks one at a time per key, in submission order; different keys run in parallel.
 * A failed task does not stop the ones after it. Keys with nothing queued take no memory.
 */
final class KeyedQueue<K> {
    private final Map<K, CompletableFuture<?>> tails = new HashMap<>();

    <T> CompletableFuture<T> submit(K key, Supplier<CompletableFuture<T>> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        CompletableFuture<?> previous;
        synchronized (tails) {
            previous = tails.getOrDefault(key, CompletableFuture.completedFuture(null));
            tails.put(key, result);
        }
        previous.handle((ignored, error) -> null).thenCompose(ignored -> {
            try {
                return task.get();
            } catch (RuntimeException e) {
                return CompletableFuture.<T>failedFuture(e);
            }
        }).whenComplete((value, error) -> {
            synchronized (tails) {
                tails.remove(key, result);
            }
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(value);
            }
        });
        return result;
    }
}
