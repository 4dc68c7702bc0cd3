package io.relaychat.ports.model;

import java.util.Objects;

/**
 * The result of a use case: either accepted with a value, or rejected because a rule said no.
 * A broken rule is an outcome; exceptions are kept for faults such as a store being down. REST calls and
 * WebSocket requests answer the same way, so a refusal carries the same {@link Reason} code on both.
 */
public sealed interface Outcome<T> {

    record Accepted<T>(T value) implements Outcome<T> {
    }

    record Rejected<T>(Refusal refusal) implements Outcome<T> {
        public Rejected {
            Objects.requireNonNull(refusal, "refusal");
        }

        public Reason reason() {
            return refusal.reason();
        }

        /** The text a client shows, e.g. "Access denied". */
        public String detail() {
            return refusal.message();
        }

        /** The same refusal as the outcome of another type, for passing it on. */
        public <U> Rejected<U> cast() {
            return new Rejected<>(refusal);
        }
    }

    static <T> Outcome<T> accepted(T value) {
        return new Accepted<>(value);
    }

    static <T> Outcome<T> rejected(Refusal refusal) {
        return new Rejected<>(refusal);
    }

    /** The accepted value; throws if the outcome was a rejection. Meant for callers that just checked. */
    default T value() {
        if (this instanceof Accepted<T> accepted) {
            return accepted.value();
        }
        throw new IllegalStateException("rejected: " + this);
    }
}
