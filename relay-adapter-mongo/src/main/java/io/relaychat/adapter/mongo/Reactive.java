package io.relaychat.adapter.mongo;

import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The driver speaks Reactive Streams; the ports speak CompletionStage. These three bridges cover every
 * call the adapter makes, so no reactive library leaks into our code. Failures come out translated by
 * {@link MongoFailures}.
 */
final class Reactive {
    private Reactive() {
    }

    /** The first item, if any; the rest is not requested. */
    static <T> CompletableFuture<Optional<T>> first(Publisher<T> publisher) {
        CompletableFuture<Optional<T>> result = new CompletableFuture<>();
        publisher.subscribe(new Subscriber<T>() {
            private Subscription subscription;

            @Override
            public void onSubscribe(Subscription s) {
                subscription = s;
                s.request(1);
            }

            @Override
            public void onNext(T item) {
                result.complete(Optional.of(item));
                subscription.cancel();
            }

            @Override
            public void onError(Throwable error) {
                result.completeExceptionally(MongoFailures.translate(error));
            }

            @Override
            public void onComplete() {
                result.complete(Optional.empty());
            }
        });
        return result;
    }

    /** Every item, in order. */
    static <T> CompletableFuture<List<T>> all(Publisher<T> publisher) {
        CompletableFuture<List<T>> result = new CompletableFuture<>();
        publisher.subscribe(new Subscriber<T>() {
            private final List<T> items = new ArrayList<>();

            @Override
            public void onSubscribe(Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(T item) {
                items.add(item);
            }

            @Override
            public void onError(Throwable error) {
                result.completeExceptionally(MongoFailures.translate(error));
            }

            @Override
            public void onComplete() {
                result.complete(items);
            }
        });
        return result;
    }

    /** Completion only, for writes whose result we do not need. */
    static CompletableFuture<Void> done(Publisher<?> publisher) {
        return all(publisher).thenApply(ignored -> null);
    }
}
