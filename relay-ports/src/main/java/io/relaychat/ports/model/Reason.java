package io.relaychat.ports.model;

/**
 * Why a request was refused or failed, as a stable machine-readable code. Clients tell errors apart by
 * {@link #code()}, never by parsing the message text, which may change. Transports map each to their
 * own status (an HTTP code, a WebSocket error frame or close); docs/protocol.md lists when each is sent.
 */
public enum Reason {
    /** A client frame or request body that is not JSON, or not a JSON object. */
    INVALID_JSON("invalid_json"),
    /** A WebSocket frame whose {@code action} the server does not know. */
    UNKNOWN_ACTION("unknown_action"),
    /** A WebSocket frame that is not text. */
    UNSUPPORTED_FRAME("unsupported_frame"),
    /** A field that is missing, of the wrong type or out of bounds; the message names it. */
    INVALID_FIELD("invalid_field"),
    /** An HTTP request the codec could not read. */
    MALFORMED_REQUEST("malformed_request"),
    /** No such path, room, user or uploaded file. */
    NOT_FOUND("not_found"),
    /** A known path asked with a method it does not answer. */
    METHOD_NOT_ALLOWED("method_not_allowed"),
    /** No token, or one that is malformed, forged, expired, or whose user no longer exists. */
    UNAUTHENTICATED("unauthenticated"),
    /** A login with an unknown email or a wrong password; which of the two is never said. */
    INVALID_CREDENTIALS("invalid_credentials"),
    /** Registering an email that already has an account, in any letter case. */
    EMAIL_TAKEN("email_taken"),
    /** Register or password login while the server takes only its identity provider's tokens. */
    LOCAL_ACCOUNTS_OFF("local_accounts_off"),
    /** The room is unknown or the caller is not a member of it: the two are answered alike. */
    NOT_MEMBER("not_member"),
    /** The room exists, but the caller may not do this to it, such as joining a private room. */
    ACCESS_DENIED("access_denied"),
    /** Typing in a room this connection has not joined. */
    NOT_JOINED("not_joined"),
    /** Opening a direct-message room with oneself. */
    SELF_DIRECT_MESSAGE("self_direct_message"),
    /** Message content longer than the limit, in characters. */
    CONTENT_TOO_LONG("content_too_long"),
    /** A WebSocket message over the frame limit; the connection is closed with 1009 after it. */
    FRAME_TOO_LARGE("frame_too_large"),
    /** A request body or uploaded file over its limit. */
    PAYLOAD_TOO_LARGE("payload_too_large"),
    /** More requests of a kind than the client's rate allows; the refusal says when to try again. */
    RATE_LIMITED("rate_limited"),
    /** A connection over the limit of connections per user or per node. */
    TOO_MANY_CONNECTIONS("too_many_connections"),
    /** A join over the limit of rooms one connection may have joined at once. */
    TOO_MANY_ROOMS("too_many_rooms"),
    /** The server is at capacity for this kind of work (e.g. password hashing): try again shortly. */
    SERVER_BUSY("server_busy"),
    /** The store (or another service the request needs) could not be reached: try again later. */
    STORAGE_UNAVAILABLE("storage_unavailable"),
    /** Anything unexpected; the server logged it. */
    INTERNAL_ERROR("internal_error");

    private final String code;

    Reason(String code) {
        this.code = code;
    }

    /** The code as it appears on the wire, e.g. {@code "not_member"}. */
    public String code() {
        return code;
    }
}
