package io.relaychat.client;

import java.time.Duration;

/**
 * An error frame: {@code code} is the stable reason to act on (docs/protocol.md, "Error codes"), {@code message}
 * text for people. {@code retryAfter} is set for a refusal that frees up with time, {@code clientId} for one about
 * a send; either may be null.
 */
public record ServerError(String message, String code, Duration retryAfter, String clientId) implements RelayEvent {
}
