package io.relaychat.ports.in;

import io.relaychat.ports.model.InvalidCommandException;

/**
 * A message a trusted backend puts into a room as {@code sender}. The message itself is checked as a client's
 * is ({@link SendMessageCommand}); its {@code clientId} makes the publish idempotent per sender.
 */
public record PublishCommand(SystemSender sender, SendMessageCommand message) {
    public PublishCommand {
        if (sender == null) {
            throw new InvalidCommandException("sender", "sender is required");
        }
        if (message == null) {
            throw new InvalidCommandException("content", "content must not be empty");
        }
    }
}
