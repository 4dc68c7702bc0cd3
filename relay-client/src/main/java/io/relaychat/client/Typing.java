package io.relaychat.client;

/** Someone in a followed room is typing; nothing of it is stored. */
public record Typing(String roomId, String userId, String username) implements RelayEvent {
}
