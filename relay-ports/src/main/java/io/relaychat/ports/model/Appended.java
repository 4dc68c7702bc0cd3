package io.relaychat.ports.model;

import java.util.Objects;

/**
 * What storing a send came to: the stored message, and whether it had been stored before (a retry with
 * the same client id, or a send handed to another node that stored it too), in which case nothing new
 * was stored and {@code message} is the earlier one.
 */
public record Appended(ChatMessage message, boolean duplicate) {
    public Appended {
        Objects.requireNonNull(message, "message");
    }
}
