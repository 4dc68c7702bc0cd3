package io.relaychat.server;

import io.relaychat.client.ChatMessage;
import io.relaychat.client.ConnectionEvent;
import io.relaychat.client.Credentials;
import io.relaychat.client.PresenceUpdate;
import io.relaychat.client.RelayClient;
import io.relaychat.client.RelayListener;
import io.relaychat.client.ServerError;
import io.relaychat.client.Typing;
import io.relaychat.testkit.Await;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** What one {@link io.relaychat.client.RelayClient} told its application, recorded for a test to read. */
final class ClientInbox implements RelayListener {
    private final String name;
    private final Map<String, List<ChatMessage>> messages = new ConcurrentHashMap<>();
    final List<Typing> typing = new CopyOnWriteArrayList<>();
    final List<PresenceUpdate> presence = new CopyOnWriteArrayList<>();
    final List<ServerError> errors = new CopyOnWriteArrayList<>();
    final List<ConnectionEvent> connection = new CopyOnWriteArrayList<>();
    /** Names of the threads the listener was called on: the client promises one. */
    final java.util.Set<String> threads = ConcurrentHashMap.newKeySet();

    ClientInbox(String name) {
        this.name = name;
    }

    String name() {
        return name;
    }

    /**
     * {@code account}'s client (signed in with {@link Api#register}'s password) on {@code endpoints}, tried in turn,
     * telling this inbox; it reconnects quickly, for a test's nodes go and come back within a second or two.
     */
    RelayClient connect(List<URI> endpoints, Api.Account account) {
        return RelayClient.builder().endpoints(endpoints)
                .credentials(Credentials.password(account.email(), "password-of-" + account.username()))
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .listener(this).connect();
    }

    @Override
    public void onMessage(ChatMessage message) {
        threads.add(Thread.currentThread().getName());
        messages.computeIfAbsent(message.roomId(), room -> new CopyOnWriteArrayList<>()).add(message);
    }

    @Override
    public void onTyping(Typing event) {
        typing.add(event);
    }

    @Override
    public void onPresence(PresenceUpdate update) {
        presence.add(update);
    }

    @Override
    public void onError(ServerError error) {
        errors.add(error);
    }

    @Override
    public void onConnection(ConnectionEvent event) {
        connection.add(event);
    }

    List<ChatMessage> messages(String roomId) {
        return List.copyOf(messages.getOrDefault(roomId, List.of()));
    }

    List<Long> seqs(String roomId) {
        return messages(roomId).stream().map(ChatMessage::seq).toList();
    }

    long connects() {
        return connection.stream().filter(event -> event instanceof ConnectionEvent.Connected).count();
    }

    void awaitMessages(String roomId, int count, Duration timeout) {
        Await.until(name + " has " + count + " messages of the room (has " + messages(roomId).size() + ")", timeout,
                () -> messages(roomId).size() >= count);
    }
}
