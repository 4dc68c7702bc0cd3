package io.relaychat.adapter.netty;

import io.relaychat.ports.model.Refusal;

/**
 * A request the transport itself refuses before the core sees it (bad JSON, a missing field, no
 * credentials), thrown from deep inside a route and answered like a rejected outcome.
 */
final class ApiException extends RuntimeException {
    private final Refusal refusal;

    ApiException(Refusal refusal) {
        super(refusal.message(), null, false, false);
        this.refusal = refusal;
    }

    Refusal refusal() {
        return refusal;
    }

    /** 422 naming the field or parameter at fault, in the words of {@code detail}. */
    static ApiException invalidField(String detail) {
        return new ApiException(Refusal.invalidField(detail));
    }
}
