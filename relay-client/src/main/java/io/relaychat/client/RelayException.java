package io.relaychat.client;

import java.time.Duration;

/**
 * A request the server refused, or one that never reached it. {@code code} is the protocol's error code (or one of
 * the client's own: {@link #UNREACHABLE}, {@link #CLIENT_CLOSED}, {@link #FRAME_TOO_LARGE}); {@code status} the HTTP
 * status, 0 when the refusal came over the WebSocket or there was no answer at all.
 */
public final class RelayException extends RuntimeException {
    /** No endpoint answered. */
    public static final String UNREACHABLE = "unreachable";
    /** The client was closed before the request was answered. */
    public static final String CLIENT_CLOSED = "client_closed";
    /** The frame would pass the server's frame limit, which closes the connection: it is never sent. */
    public static final String FRAME_TOO_LARGE = "frame_too_large";

    private final int status;
    private final String code;
    private final Duration retryAfter;

    public RelayException(int status, String code, String message, Duration retryAfter) {
        super(message);
        this.status = status;
        this.code = code;
        this.retryAfter = retryAfter;
    }

    RelayException(String code, String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
        this.code = code;
        this.retryAfter = null;
    }

    static RelayException of(ServerError error) {
        return new RelayException(0, error.code(), error.message(), error.retryAfter());
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** How long to wait before asking again, for a refusal that frees up with time; else null. */
    public Duration retryAfter() {
        return retryAfter;
    }

    @Override
    public String toString() {
        return "RelayException[" + (status == 0 ? "" : status + " ") + code + ": " + getMessage() + "]";
    }
}
