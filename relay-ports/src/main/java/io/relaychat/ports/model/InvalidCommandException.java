package io.relaychat.ports.model;

/**
 * Thrown by a command's constructor when a request is malformed, naming the offending field,
 * so that no adapter can hand the core an invalid request.
 */
public final class InvalidCommandException extends IllegalArgumentException {
    private final String field;

    public InvalidCommandException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
