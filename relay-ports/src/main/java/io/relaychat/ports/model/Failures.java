package io.relaychat.ports.model;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Faults as they reach a stage's callback, unwrapped to the one that was raised. */
public final class Failures {
    private Failures() {
    }

    /**
     * The fault behind {@code error}: completion stages wrap a fault raised in an earlier stage in
     * {@link CompletionException} (and {@code get} in {@link ExecutionException}), so callers that decide
     * by the fault's type look through those wrappers first.
     */
    public static Throwable cause(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** True when the fault behind {@code error} is the store (or another service) being unreachable. */
    public static boolean isUnavailable(Throwable error) {
        return cause(error) instanceof StorageUnavailableException;
    }
}
