package io.relaychat.client;

/** Another connection joined a room this client follows; {@code message} is the server's text for people. */
public record UserJoined(String roomId, String userId, String username, String message) implements RelayEvent {
}
