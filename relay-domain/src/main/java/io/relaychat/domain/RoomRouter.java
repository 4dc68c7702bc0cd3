package io.relaychat.domain;

import io.relaychat.ports.model.Broadcast;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.RoomEvent;
import io.relaychat.ports.model.RoomEvent.MessagePosted;
import io.relaychat.ports.model.RoomEvent.Typing;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.MessageStore;
import io.relaychat.ports.out.RelayMetrics;
import io.relaychat.ports.out.RoomEventBus;
import io.relaychat.ports.out.Scheduler;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Gets every room event to this node's connections, in order, and to the other nodes. Stored messages go
 * through the room's {@link RoomChannel}, which releases them by seq; a gap that stays open is filled from
 * the store, and so is whatever the bus may have lost while it was cut off, on this side or the other.
 * Events that are not messages (joins, typing, presence) go straight to the joined connections.
 */
final class RoomRouter {
    private final RoomChannels channels;
    private final LocalConnections connections;
    private final MessageStore messages;
    private final RoomEventBus bus;
    private final Scheduler scheduler;
    private final Limits limits;
    private final Faults faults;
    private final RelayMetrics metrics;
    /**
     * Per room, the newest message stored here that the bus may not have carried (it was down, or the
     * publication failed). Nodes that stayed connected have no reason to catch up, so once the bus is back it
     * is published again: ahead of what they released, it opens a gap there, which they fill from the store.
     */
    private final Map<RoomId, ChatMessage> unpublished = new ConcurrentHashMap<>();

    RoomRouter(LocalConnections connections, RoomDirectory directory, MessageStore messages, RoomEventBus bus,
               Scheduler scheduler, Limits limits, Faults faults, RelayMetrics metrics) {
        this.connections = connections;
        this.messages = messages;
        this.bus = bus;
        this.scheduler = scheduler;
        this.limits = limits;
        this.faults = faults;
        this.metrics = metrics;
        this.channels = new RoomChannels(bus, messages, connections, directory, this::scheduleGapCheck, faults);
    }

    /** Rooms with a connection of this node joined: those whose traffic the node subscribes to. */
    int joinedRooms() {
        return channels.count();
    }

    /** Per room with a connection of this node joined, the users whose connections are joined. */
    Map<RoomId, Set<UserId>> joinedUsers() {
        Map<RoomId, Set<UserId>> joined = new HashMap<>();
        channels.all().forEach(channel -> joined.put(channel.roomId(), channel.users()));
        return joined;
    }

    /** The same for {@code rooms} alone: those of them no local connection is joined to are left out. */
    Map<RoomId, Set<UserId>> joinedUsers(Set<RoomId> rooms) {
        Map<RoomId, Set<UserId>> joined = new HashMap<>();
        for (RoomId roomId : rooms) {
            RoomChannel channel = channels.get(roomId);
            if (channel != null) {
                joined.put(roomId, channel.users());
            }
        }
        return joined;
    }

    RoomChannel attach(LiveConnection connection, RoomId roomId) {
        return channels.attach(connection, roomId);
    }

    void detach(LiveConnection connection, RoomId roomId) {
        channels.detach(connection, roomId);
    }

    /**
     * A message stored by this node or another: to the room's joined connections and the sender's own. This is
     * the moment the node takes it in, which its deliveries are timed from.
     */
    void route(ChatMessage message) {
        long acceptedAt = metrics.timestamp();
        List<LiveConnection> senderConnections = connections.of(message.userId());
        RoomChannel channel = channels.get(message.roomId());
        if (channel != null) {
            channel.offer(message, senderConnections, acceptedAt);
        } else {
            Broadcast broadcast = new Broadcast(new MessagePosted(message), acceptedAt);
            senderConnections.forEach(connection -> connection.deliver(broadcast));
        }
    }

    /** A message stored here: routed here, and published for the nodes whose connections are in the room. */
    void routeAndPublish(ChatMessage message) {
        route(message);
        publishStored(message);
    }

    /**
     * Remembered before publishing while the bus is down, so that a bus back meanwhile cannot miss it, and
     * after, when it went down while publishing (a bus that is down drops publications without failing).
     */
    private void publishStored(ChatMessage message) {
        if (!bus.isAvailable()) {
            rememberUnpublished(message);
        }
        bus.publish(new MessagePosted(message)).whenComplete((done, error) -> {
            if (error != null) {
                faults.report(error);
            }
            if (error != null || !bus.isAvailable()) {
                rememberUnpublished(message);
            }
        });
    }

    private void rememberUnpublished(ChatMessage message) {
        unpublished.merge(message.roomId(), message, (known, other) -> known.seq() >= other.seq() ? known : other);
    }

    /** An event that is not a message, to this node's connections in the room but those excluded, and to the other nodes. */
    void announce(RoomEvent event, Predicate<LiveConnection> exclude) {
        RoomChannel channel = channels.get(event.roomId());
        if (channel != null) {
            channel.broadcast(event, exclude);
        }
        publish(event);
    }

    /** An event another node published. */
    void received(RoomEvent event) {
        if (event instanceof MessagePosted posted) {
            route(posted.message());
            return;
        }
        RoomChannel channel = channels.get(event.roomId());
        if (channel == null) {
            return;
        }
        if (event instanceof Typing typing) {
            channel.broadcast(event, connection -> connection.user().id().equals(typing.userId()));
        } else {
            channel.broadcast(event, connection -> false);
        }
    }

    private void publish(RoomEvent event) {
        bus.publish(event).exceptionally(faults::report);
    }

    /**
     * Lets a newly attached connection go live: at once from where it joined, or, resuming, after the stored
     * messages from {@code sinceSeq} up to what the channel has released, sent page by page. Everything the
     * channel released meanwhile was buffered for this connection and follows without a gap.
     */
    CompletionStage<Void> goLive(RoomChannel channel, LiveConnection connection, Long sinceSeq) {
        if (sinceSeq == null) {
            channel.goLiveFromJoin(connection.id());
            return CompletableFuture.completedFuture(null);
        }
        long upTo = channel.lastReleasedSeq();
        return sendStored(connection, channel.roomId(), sinceSeq, upTo)
                .thenAccept(ignored -> channel.goLive(connection.id(), Math.max(sinceSeq, upTo)));
    }

    /**
     * Each page waits until the previous one has mostly left for the client: a backlog of any size then takes
     * the client's pace instead of piling up in front of it (where it would count as a client too slow).
     */
    private CompletionStage<Void> sendStored(LiveConnection connection, RoomId roomId, long after, long upTo) {
        if (after >= upTo || connection.isClosed()) {
            return CompletableFuture.completedFuture(null);
        }
        int page = limits.catchUpPageSize();
        return connection.whenWritable().thenCompose(ready -> messages.since(roomId, after, page)).thenCompose(batch -> {
            long last = after;
            for (ChatMessage message : batch) {
                if (message.seq() > upTo) {
                    return CompletableFuture.completedFuture(null);
                }
                connection.tell(new MessagePosted(message));
                last = message.seq();
            }
            return batch.size() < page ? CompletableFuture.completedFuture(null)
                    : sendStored(connection, roomId, last, upTo);
        });
    }

    /**
     * The bus was cut off, so other nodes' messages may have been lost on the way: every room reads what the
     * store has after what it released, and the orderer places it. And this node's own may have been lost on
     * the way out: the newest of each room is published again, for the nodes that did not lose the bus.
     */
    void busResumed() {
        channels.all().forEach(this::catchUpFromStore);
        for (RoomId roomId : List.copyOf(unpublished.keySet())) {
            ChatMessage newest = unpublished.remove(roomId);
            if (newest != null) {
                publishStored(newest);
            }
        }
    }

    /**
     * The bus missed these rooms for a while but not the others, nor this node's publications: each reads what the store
     * has after what it released.
     */
    void roomsResumed(Set<RoomId> rooms) {
        for (RoomId roomId : rooms) {
            RoomChannel channel = channels.get(roomId);
            if (channel != null) {
                catchUpFromStore(channel);
            }
        }
    }

    private void catchUpFromStore(RoomChannel channel) {
        if (!channel.isReady()) {
            return; // still opening: it reads where the room stands once ready, after subscribing
        }
        catchUpFromStore(channel, channel.lastReleasedSeq());
    }

    /**
     * Pages on from the last message found, not from what the channel released: a store that no longer keeps the
     * oldest of them answers from its oldest kept, which waits behind the gap (given up on after the gap timeout),
     * and reading again from the released seq would find the same page for ever.
     */
    private void catchUpFromStore(RoomChannel channel, long after) {
        messages.since(channel.roomId(), after, limits.catchUpPageSize()).whenComplete((found, error) -> {
            if (error != null) {
                faults.report(error);
                return;
            }
            found.forEach(message -> channel.offer(message, connections.of(message.userId()), 0));
            if (found.size() == limits.catchUpPageSize()) {
                catchUpFromStore(channel, found.get(found.size() - 1).seq());
            }
        });
    }

    private void scheduleGapCheck(RoomChannel channel) {
        scheduler.schedule(limits.gapTimeout(), () -> fillGap(channel));
    }

    /**
     * A message has waited the gap timeout for earlier ones: read them from the store, and give up on any
     * the store does not have (an insert that failed after its seq was taken). If the store cannot be
     * read either, the room still moves on; the missing messages stay in history if they were stored.
     */
    private void fillGap(RoomChannel channel) {
        long[] gap = channel.gapToFill();
        if (gap == null) {
            return;
        }
        long after = gap[0];
        long before = gap[1];
        int missing = (int) Math.min(before - after - 1, limits.catchUpPageSize());
        metrics.gapFilled();
        messages.since(channel.roomId(), after, missing).whenComplete((found, error) -> {
            if (error != null) {
                faults.report(error);
            }
            channel.fillGap(error == null ? found : List.of(), before, connections::of);
        });
    }
}
