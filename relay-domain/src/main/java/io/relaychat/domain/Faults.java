package io.relaychat.domain;

import io.relaychat.ports.model.Failures;

import java.util.function.Consumer;

/**
 * Where the core reports faults no client can be told of, such as a failed publication to other nodes.
 * The core has no logger of its own: the embedding program decides where these go.
 */
final class Faults {
    private final Consumer<Throwable> listener;

    Faults(Consumer<Throwable> listener) {
        this.listener = listener;
    }

    /** Reports the fault behind {@code error}; returns null so that it fits {@code exceptionally} of a Void stage. */
    Void report(Throwable error) {
        listener.accept(Failures.cause(error));
        return null;
    }
}
