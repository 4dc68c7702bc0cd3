package io.relaychat.client;

/**
 * What the application hears from its {@link RelayClient}. Every method has a do-nothing default, so a listener
 * overrides only what it shows.
 * <p>
 * The client calls these on one thread of its own, one call at a time, in the order the server sent the frames:
 * a listener needs no locking of its own. A call that blocks holds up every later one (and the completion of sends'
 * stages, which run on the same thread), so a listener should hand long work elsewhere. A listener that throws is
 * reported to the JDK's platform logger and the client goes on.
 */
public interface RelayListener {

    /**
     * The next message of a followed room: for each room in seq order, each seq once, with nothing skipped that the
     * server still has, across reconnects and moves between servers.
     */
    default void onMessage(ChatMessage message) {
    }

    default void onTyping(Typing typing) {
    }

    default void onPresence(PresenceUpdate presence) {
    }

    default void onUserJoined(UserJoined joined) {
    }

    default void onNotice(SystemNotice notice) {
    }

    /**
     * An error frame that no stage of the client's answers: a send's refusal fails its stage instead, a join's
     * refusal its follow's stage (or {@link #onFollowEnded}).
     */
    default void onError(ServerError error) {
    }

    /**
     * The server refused to resume a followed room after a reconnect ({@code not_member} once the user left it
     * elsewhere, for example): the client no longer follows it.
     */
    default void onFollowEnded(String roomId, ServerError why) {
    }

    default void onConnection(ConnectionEvent event) {
    }
}
