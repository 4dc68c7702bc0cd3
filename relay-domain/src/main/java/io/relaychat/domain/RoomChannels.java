package io.relaychat.domain;

import io.relaychat.ports.model.Failures;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.out.MessageStore;
import io.relaychat.ports.out.RoomEventBus;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The rooms this node has joined connections in, one {@link RoomChannel} each: opened with the room's first
 * local join (subscribed on the bus, its last stored seq read), closed with the last leave (unsubscribed). The
 * room directory is told which rooms are subscribed, since only their leavings reach this node.
 */
final class RoomChannels {
    private final RoomEventBus bus;
    private final MessageStore messages;
    private final LocalConnections connections;
    private final RoomDirectory directory;
    private final Consumer<RoomChannel> onGap;
    private final Faults faults;
    private final Map<RoomId, RoomChannel> open = new ConcurrentHashMap<>();

    /** @param onGap told when a message of a channel has to wait for a gap before it */
    RoomChannels(RoomEventBus bus, MessageStore messages, LocalConnections connections, RoomDirectory directory,
                 Consumer<RoomChannel> onGap, Faults faults) {
        this.bus = bus;
        this.messages = messages;
        this.connections = connections;
        this.directory = directory;
        this.onGap = onGap;
        this.faults = faults;
    }

    /** The room's channel, or null when no local connection is joined to it. */
    RoomChannel get(RoomId roomId) {
        return open.get(roomId);
    }

    int count() {
        return open.size();
    }

    Collection<RoomChannel> all() {
        return open.values();
    }

    /** Attaches the connection to the room's channel, opening the channel when it is the room's first here. */
    RoomChannel attach(LiveConnection connection, RoomId roomId) {
        while (true) {
            boolean[] created = {false};
            RoomChannel channel = open.computeIfAbsent(roomId, id -> {
                created[0] = true;
                return new RoomChannel(id, onGap);
            });
            if (channel.attach(connection)) {
                if (created[0]) {
                    open(channel);
                }
                return channel;
            }
            // Closed by its last leaver a moment ago: it is leaving the map, take a fresh one.
            open.remove(roomId, channel);
        }
    }

    /**
     * Subscribes to the room's traffic from other nodes first, then reads where the room stands, so no
     * message falls between the two. A channel that cannot open is dropped: the next join tries again.
     */
    private void open(RoomChannel channel) {
        RoomId roomId = channel.roomId();
        bus.subscribe(roomId)
                .exceptionally(faults::report) // delivery here goes on; the bus subscribes once it can
                .thenCompose(ignored -> {
                    directory.hearing(roomId, channel);
                    return messages.history(roomId, 1, null, null);
                })
                .whenComplete((last, error) -> {
                    if (error == null) {
                        long lastSeq = last.isEmpty() ? 0 : last.get(last.size() - 1).seq();
                        channel.ready(lastSeq, connections::of);
                    } else {
                        open.remove(roomId, channel);
                        directory.deaf(roomId, channel);
                        channel.failed(Failures.cause(error));
                    }
                });
    }

    /** Detaches the connection; the last one out closes the channel and unsubscribes from the room. */
    void detach(LiveConnection connection, RoomId roomId) {
        RoomChannel channel = open.get(roomId);
        if (channel != null && channel.detach(connection.id())) {
            open.remove(roomId, channel);
            directory.deaf(roomId, channel);
            bus.unsubscribe(roomId).exceptionally(faults::report);
        }
    }
}
