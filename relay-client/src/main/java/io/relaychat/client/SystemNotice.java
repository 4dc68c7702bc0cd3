package io.relaychat.client;

/**
 * The server's greeting after a join ({@code Joined room: <name>}); it names no room, so the client matches it to
 * its joins by their order. It comes again after every reconnect, once per resumed room.
 */
public record SystemNotice(String message) implements RelayEvent {
}
