package io.relaychat.adapter.netty;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.relaychat.ports.model.Failures;
import io.relaychat.ports.model.InvalidCommandException;
import io.relaychat.ports.model.Reason;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.StorageUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * How the REST API tells a client that a request was refused or failed: every error is
 * {@code {"detail": ..., "code": ...}} with the HTTP status its {@link Reason} stands for.
 */
final class RestErrors {
    private static final Logger log = LoggerFactory.getLogger(RestErrors.class);
    /**
     * When a client refused for a full password-hashing pool should come back: the pool refuses what would wait
     * more than about a second, so a second later its queue has moved on by about that much.
     */
    static final Duration HASHING_BUSY_RETRY_AFTER = Duration.ofSeconds(1);

    private RestErrors() {
    }

    /**
     * The status of each reason, in one switch without a default: a reason added to the protocol does not
     * compile until it has a status here. Reasons only the WebSocket sends get the status they would have.
     */
    static HttpResponseStatus status(Reason reason) {
        return switch (reason) {
            case INVALID_JSON, INVALID_FIELD, CONTENT_TOO_LONG, UNKNOWN_ACTION, UNSUPPORTED_FRAME ->
                    HttpResponseStatus.UNPROCESSABLE_ENTITY;
            case MALFORMED_REQUEST, EMAIL_TAKEN, SELF_DIRECT_MESSAGE -> HttpResponseStatus.BAD_REQUEST;
            case UNAUTHENTICATED, INVALID_CREDENTIALS -> HttpResponseStatus.UNAUTHORIZED;
            case NOT_MEMBER, ACCESS_DENIED, NOT_JOINED, LOCAL_ACCOUNTS_OFF -> HttpResponseStatus.FORBIDDEN;
            case NOT_FOUND -> HttpResponseStatus.NOT_FOUND;
            case METHOD_NOT_ALLOWED -> HttpResponseStatus.METHOD_NOT_ALLOWED;
            case PAYLOAD_TOO_LARGE, FRAME_TOO_LARGE -> HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
            case RATE_LIMITED, TOO_MANY_CONNECTIONS, TOO_MANY_ROOMS -> HttpResponseStatus.TOO_MANY_REQUESTS;
            case STORAGE_UNAVAILABLE, SERVER_BUSY -> HttpResponseStatus.SERVICE_UNAVAILABLE;
            case INTERNAL_ERROR -> HttpResponseStatus.INTERNAL_SERVER_ERROR;
        };
    }

    /**
     * A refusal as its answer. A missing or bad token also challenges for a bearer token; a wrong password
     * at login (INVALID_CREDENTIALS, also 401) never has, and still does not.
     */
    static ApiResponse refused(Refusal refusal) {
        return refused(refusal, status(refusal.reason()));
    }

    /**
     * A refusal answered with another status than its reason's: the node itself full (503) rather than the
     * client over its own share (429). A refusal that says when to try again says it in Retry-After too, in
     * whole seconds rounded up, since the header has no finer unit.
     */
    static ApiResponse refused(Refusal refusal, HttpResponseStatus status) {
        ApiResponse response = ApiResponse.json(status, WireFormat.error(refusal));
        if (refusal.retryAfter() != null) {
            response = response.withHeader(HttpHeaderNames.RETRY_AFTER.toString(),
                    String.valueOf(WireFormat.retryAfter(refusal, TimeUnit.SECONDS)));
        }
        return refusal.reason() == Reason.UNAUTHENTICATED
                ? response.withHeader(HttpHeaderNames.WWW_AUTHENTICATE.toString(), "Bearer")
                : response;
    }

    /**
     * An answer written before its request has ended (a body refused before it was read): its connection cannot
     * go on, since the rest of the body is read only to be dropped.
     */
    static FullHttpResponse beforeTheBody(ApiResponse answer, HttpVersion version) {
        FullHttpResponse http = answer.toHttp(version);
        http.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return http;
    }

    /**
     * A request that failed rather than being answered. Refusals thrown on the way and malformed commands
     * are answered as refusals; faults are answered without details, and the unexpected ones logged with
     * {@code request} (method and path: never the query, headers or body, which carry tokens and passwords)
     * and the error with its messages redacted, since they may quote the request.
     */
    static ApiResponse failed(Throwable error, String request) {
        return refused(refusalOf(error, request));
    }

    /** The refusal a client is told of for {@code error}; see {@link #failed}. */
    static Refusal refusalOf(Throwable error, String request) {
        Throwable cause = Failures.cause(error);
        if (cause instanceof ApiException refused) {
            return refused.refusal();
        }
        if (cause instanceof InvalidCommandException invalid) {
            return Refusal.invalidField(invalid.getMessage());
        }
        if (cause instanceof StorageUnavailableException) {
            log.warn("storage unavailable: {}", LogSafe.text(cause.getMessage()));
            return Refusal.storageUnavailable();
        }
        if (cause instanceof RejectedExecutionException) {
            // The password-hashing pool (or another bounded pool) turned the work away: not now, rather than never.
            return new Refusal(Reason.SERVER_BUSY, Refusal.serverBusy().message(), HASHING_BUSY_RETRY_AFTER);
        }
        log.error("request failed: {}", LogSafe.text(request), LogSafe.error(cause));
        return Refusal.internalError();
    }
}
