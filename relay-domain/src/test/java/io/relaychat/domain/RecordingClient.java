package io.relaychat.domain;

import io.relaychat.ports.model.Broadcast;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.ClientSink;
import io.relaychat.ports.model.RoomEvent;
import io.relaychat.ports.model.ServerEvent;
import io.relaychat.testkit.Await;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A client sink that remembers every event it was sent, in order. */
class RecordingClient implements ClientSink {
    private final List<ServerEvent> events = new CopyOnWriteArrayList<>();
    /** Of each message delivered, when the core took it in (0: not timed). */
    private final List<Long> acceptedAt = new CopyOnWriteArrayList<>();

    @Override
    public void send(Broadcast broadcast) {
        events.add(broadcast.event());
        if (broadcast.event() instanceof RoomEvent.MessagePosted) {
            acceptedAt.add(broadcast.acceptedAt());
        }
    }

    /** The reasons the core gave for closing this client, in order (once, but for a core that repeats itself). */
    private final List<String> disconnects = new CopyOnWriteArrayList<>();

    @Override
    public void disconnect(String reason) {
        disconnects.add(reason);
    }

    List<String> disconnects() {
        return List.copyOf(disconnects);
    }

    /** Of each message delivered, in order, when the core took it in; 0 for one not timed (stored history). */
    List<Long> messagesAcceptedAt() {
        return List.copyOf(acceptedAt);
    }

    List<ServerEvent> events() {
        return List.copyOf(events);
    }

    <T extends ServerEvent> List<T> eventsOf(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    List<ChatMessage> messages() {
        return eventsOf(RoomEvent.MessagePosted.class).stream().map(RoomEvent.MessagePosted::message).toList();
    }

    List<String> contents() {
        return messages().stream().map(ChatMessage::content).toList();
    }

    List<Long> seqs() {
        return messages().stream().map(ChatMessage::seq).toList();
    }

    List<String> errors() {
        return eventsOf(ServerEvent.ErrorNotice.class).stream().map(ServerEvent.ErrorNotice::message).toList();
    }

    ServerEvent last() {
        return events.get(events.size() - 1);
    }

    void awaitMessages(int count) {
        Await.until(count + " messages arrive (have " + messages().size() + ")", () -> messages().size() >= count);
    }

    /** Waits until an event of the type matching the condition has arrived; returns the first such. */
    <T extends ServerEvent> T awaitEvent(Class<T> type, java.util.function.Predicate<T> condition) {
        Await.until("a matching " + type.getSimpleName() + " (have " + events + ")",
                () -> eventsOf(type).stream().anyMatch(condition));
        return eventsOf(type).stream().filter(condition).findFirst().orElseThrow();
    }

    void clear() {
        events.clear();
        acceptedAt.clear();
    }
}
