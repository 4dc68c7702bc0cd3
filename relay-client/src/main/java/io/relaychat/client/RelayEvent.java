package io.relaychat.client;

/**
 * What the server tells a connected client, one record per kind of frame in docs/protocol.md; a switch over them
 * is exhaustive. The client's own news (connected, disconnected, closed) is a {@link ConnectionEvent} instead.
 */
public sealed interface RelayEvent permits ChatMessage, Typing, PresenceUpdate, UserJoined, SystemNotice, ServerError {
}
