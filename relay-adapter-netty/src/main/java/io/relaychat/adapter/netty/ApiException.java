package io.relaychat.adapter.netty;

import io.netty.handler.codec.http.HttpResponseStatus;

/** A request the transport itself refuses before the core sees it: bad JSON, a missing field, no credentials. */
final class ApiException extends RuntimeException {
    private final HttpResponseStatus status;

    ApiException(HttpResponseStatus status, String detail) {
        super(detail, null, false, false);
        this.status = status;
    }

    HttpResponseStatus status() {
        return status;
    }

    static ApiException unprocessable(String detail) {
        return new ApiException(HttpResponseStatus.UNPROCESSABLE_ENTITY, detail);
    }
}
