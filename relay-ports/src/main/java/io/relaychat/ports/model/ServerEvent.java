package io.relaychat.ports.model;

/**
 * Everything the core tells a connected client. Transports encode these into their wire format;
 * the core never sees bytes.
 */
public sealed interface ServerEvent permits RoomEvent, ServerEvent.SystemNotice, ServerEvent.ErrorNotice,
        ServerEvent.Pong {

    /** An informational line for one client, e.g. "Joined room: general". */
    record SystemNotice(String message) implements ServerEvent {
    }

    /**
     * A request of this client was refused or failed; the connection stays usable.
     * {@code clientId} echoes the idempotency key of a failed send, or is null.
     */
    record ErrorNotice(Refusal refusal, String clientId) implements ServerEvent {
        public ErrorNotice {
            java.util.Objects.requireNonNull(refusal, "refusal");
        }

        public ErrorNotice(Refusal refusal) {
            this(refusal, null);
        }

        public String message() {
            return refusal.message();
        }

        public Reason reason() {
            return refusal.reason();
        }
    }

    /** The answer to a client's application-level ping. */
    record Pong() implements ServerEvent {
    }
}
