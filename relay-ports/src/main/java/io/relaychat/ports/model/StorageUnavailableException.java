package io.relaychat.ports.model;

/**
 * A fault, not a rule: a store or bus could not do its work (unreachable, timed out).
 * Outbound adapters complete their futures with it so transports can answer "try again later".
 */
public class StorageUnavailableException extends RuntimeException {
    public StorageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public StorageUnavailableException(String message) {
        super(message);
    }
}
