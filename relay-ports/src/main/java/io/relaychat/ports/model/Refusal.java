package io.relaychat.ports.model;

import java.time.Duration;
import java.util.Objects;

/**
 * A refused or failed request as a client is told of it: a stable {@link Reason}, the human-readable
 * text shown with it, and, for a limit that frees up with time, when to try again ({@code retryAfter},
 * else null). Every refusal of the protocol is made here, by one factory each, so that a text is
 * written once and always travels with the same code. The texts are the ones the web UI already shows;
 * add new factories rather than changing them.
 */
public record Refusal(Reason reason, String message, Duration retryAfter) {
    public Refusal {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
        if (retryAfter != null && retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must not be negative");
        }
    }

    /** A refusal that does not say when to try again. */
    public Refusal(Reason reason, String message) {
        this(reason, message, null);
    }

    // ---- limits ----

    /**
     * More requests of one kind than the client's rate allows; nothing was done. The text is part of the
     * protocol: clients match it.
     */
    public static Refusal rateLimited(Duration retryAfter) {
        return new Refusal(Reason.RATE_LIMITED, "Rate limit exceeded", Objects.requireNonNull(retryAfter, "retryAfter"));
    }

    public static Refusal tooManyConnectionsForUser(int limit) {
        return new Refusal(Reason.TOO_MANY_CONNECTIONS, "Too many connections: at most " + limit + " per user");
    }

    public static Refusal tooManyConnectionsOnServer() {
        return new Refusal(Reason.TOO_MANY_CONNECTIONS, "Too many connections on this server: try again later");
    }

    public static Refusal tooManyRooms(int limit) {
        return new Refusal(Reason.TOO_MANY_ROOMS, "Too many rooms joined: at most " + limit + " per connection");
    }

    // ---- accounts ----

    public static Refusal emailTaken() {
        return new Refusal(Reason.EMAIL_TAKEN, "Email already registered");
    }

    public static Refusal invalidCredentials() {
        return new Refusal(Reason.INVALID_CREDENTIALS, "Incorrect email or password");
    }

    /** Register and password login while users sign in only through the identity provider (RELAY_LOCAL_ACCOUNTS). */
    public static Refusal localAccountsOff() {
        return new Refusal(Reason.LOCAL_ACCOUNTS_OFF,
                "Accounts and passwords of this server are turned off: sign in with the application's identity provider");
    }

    public static Refusal unauthenticated() {
        return new Refusal(Reason.UNAUTHENTICATED, "Could not validate credentials");
    }

    /** A call of the server API without one of the server's API keys (a user's token is never one). */
    public static Refusal apiKeyRefused() {
        return new Refusal(Reason.UNAUTHENTICATED,
                "Invalid or missing API key: send it as 'Authorization: Bearer <key>' or 'X-Relay-Api-Key: <key>'");
    }

    /** The close reason of a WebSocket whose token was refused (close code 1008). */
    public static Refusal webSocketUnauthenticated() {
        return new Refusal(Reason.UNAUTHENTICATED, "Authentication failed");
    }

    // ---- rooms and membership ----

    /** A request that needs membership, from a non-member or for an unknown room: answered alike. */
    public static Refusal notMember() {
        return new Refusal(Reason.NOT_MEMBER, "Access denied");
    }

    /** {@link #notMember()} as a WebSocket {@code join_room} has always said it. */
    public static Refusal notMemberOfRoomToJoin() {
        return new Refusal(Reason.NOT_MEMBER, "Access denied to room");
    }

    public static Refusal privateRoom() {
        return new Refusal(Reason.ACCESS_DENIED, "This room is private: ask a member to add you");
    }

    public static Refusal notJoined() {
        return new Refusal(Reason.NOT_JOINED, "Join the room first");
    }

    public static Refusal roomNotFound() {
        return new Refusal(Reason.NOT_FOUND, "Room not found");
    }

    public static Refusal userNotFound() {
        return new Refusal(Reason.NOT_FOUND, "User not found");
    }

    public static Refusal selfDirectMessage() {
        return new Refusal(Reason.SELF_DIRECT_MESSAGE, "Cannot DM yourself");
    }

    // ---- messages and uploads ----

    public static Refusal contentTooLong(int maxChars) {
        return new Refusal(Reason.CONTENT_TOO_LONG, "Message content exceeds " + maxChars + " characters");
    }

    public static Refusal fileTooLarge(long maxBytes) {
        return new Refusal(Reason.PAYLOAD_TOO_LARGE, "File too large: the limit is " + maxBytes + " bytes");
    }

    public static Refusal bodyTooLarge(long maxBytes) {
        return new Refusal(Reason.PAYLOAD_TOO_LARGE, "Request body too large: the limit is " + maxBytes + " bytes");
    }

    public static Refusal frameTooLarge(long maxBytes) {
        return new Refusal(Reason.FRAME_TOO_LARGE, "Message too big: the limit is " + maxBytes + " bytes");
    }

    /** A send that was not stored because the store could not be reached: nothing was delivered. */
    public static Refusal messageNotStored() {
        return new Refusal(Reason.STORAGE_UNAVAILABLE, "Message not delivered: storage unavailable");
    }

    /** A send that failed for an unexpected reason: nothing was delivered. */
    public static Refusal messageFailed() {
        return new Refusal(Reason.INTERNAL_ERROR, "Message not delivered: internal error");
    }

    /** A join that could not be carried out; {@code storage} says whether the store was the cause. */
    public static Refusal joinFailed(RoomId roomId, boolean storage) {
        return new Refusal(storage ? Reason.STORAGE_UNAVAILABLE : Reason.INTERNAL_ERROR,
                "Could not join room " + roomId + ": service unavailable");
    }

    // ---- malformed requests ----

    public static Refusal invalidJson() {
        return new Refusal(Reason.INVALID_JSON, "Invalid JSON");
    }

    /** A REST request body that does not parse as JSON. */
    public static Refusal bodyNotJson() {
        return new Refusal(Reason.INVALID_JSON, "request body is not valid JSON");
    }

    /** A REST request body that is empty, or JSON but not an object. */
    public static Refusal bodyNotJsonObject() {
        return new Refusal(Reason.INVALID_JSON, "request body must be a JSON object");
    }

    /** A REST request body whose bytes could not be read as text. */
    public static Refusal bodyUnreadable() {
        return new Refusal(Reason.INVALID_JSON, "request body could not be read");
    }

    public static Refusal missingAction() {
        return new Refusal(Reason.INVALID_FIELD, "Missing field: action");
    }

    public static Refusal unknownAction(String action) {
        return new Refusal(Reason.UNKNOWN_ACTION, "Unknown action: " + action);
    }

    public static Refusal binaryFrame() {
        return new Refusal(Reason.UNSUPPORTED_FRAME, "Binary frames are not supported: send JSON text");
    }

    /**
     * A field that is missing, mistyped or out of bounds; {@code detail} names it. The details are written
     * where each field is checked: by the command that validates itself ({@link InvalidCommandException}) or
     * by the transport reading a body or query, always with this one code.
     */
    public static Refusal invalidField(String detail) {
        return new Refusal(Reason.INVALID_FIELD, detail);
    }

    public static Refusal malformedRequest() {
        return new Refusal(Reason.MALFORMED_REQUEST, "Malformed HTTP request");
    }

    public static Refusal pathNotFound() {
        return new Refusal(Reason.NOT_FOUND, "Not Found");
    }

    public static Refusal methodNotAllowed() {
        return new Refusal(Reason.METHOD_NOT_ALLOWED, "Method Not Allowed");
    }

    // ---- faults ----

    public static Refusal storageUnavailable() {
        return new Refusal(Reason.STORAGE_UNAVAILABLE, "Service unavailable: storage is unreachable");
    }

    /** The close reason of a WebSocket whose token could not be checked (close code 1013). */
    public static Refusal webSocketServiceUnavailable() {
        return new Refusal(Reason.STORAGE_UNAVAILABLE, "Try again later: service unavailable");
    }

    public static Refusal serverBusy() {
        return new Refusal(Reason.SERVER_BUSY, "Server busy, try again shortly");
    }

    public static Refusal internalError() {
        return new Refusal(Reason.INTERNAL_ERROR, "Internal Server Error");
    }
}
