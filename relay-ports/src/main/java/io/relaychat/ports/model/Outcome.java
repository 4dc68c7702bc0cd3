package io.relaychat.ports.model;

/**
 * The result of a use case: either accepted with a value, or rejected because a rule said no.
 * A broken rule is an outcome; exceptions are kept for faults such as a store being down.
 */
public sealed interface Outcome<T> {

    /** Why a request was refused; transports map each to their own status (HTTP code, error frame). */
    enum Reason {
        /** The request is malformed or out of bounds (HTTP 422). */
        INVALID,
        /** The request is well-formed but refused by a rule, e.g. an email already registered (HTTP 400). */
        REFUSED,
        /** Credentials were wrong (HTTP 401). */
        UNAUTHENTICATED,
        /** The caller may not see or touch this resource (HTTP 403). */
        FORBIDDEN,
        /** The addressed resource does not exist (HTTP 404). */
        NOT_FOUND,
        /** The request carries more than the configured limit allows (HTTP 413). */
        TOO_LARGE
    }

    record Accepted<T>(T value) implements Outcome<T> {
    }

    record Rejected<T>(Reason reason, String detail) implements Outcome<T> {
    }

    static <T> Outcome<T> accepted(T value) {
        return new Accepted<>(value);
    }

    static <T> Outcome<T> rejected(Reason reason, String detail) {
        return new Rejected<>(reason, detail);
    }

    /** The accepted value; throws if the outcome was a rejection. Meant for callers that just checked. */
    default T value() {
        if (this instanceof Accepted<T> accepted) {
            return accepted.value();
        }
        throw new IllegalStateException("rejected: " + this);
    }
}
