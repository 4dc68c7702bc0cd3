package io.relaychat.domain;

import io.relaychat.ports.model.Broadcast;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.ConnectionId;
import io.relaychat.ports.model.RoomEvent;
import io.relaychat.ports.model.RoomEvent.MessagePosted;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One room as seen by this node: the local connections joined to it and the order in which its
 * messages go out. Messages are released in seq order (see {@link SeqOrderer}); each subscription
 * also keeps its own cursor, so a connection that resumes from a seq gets stored messages first and
 * live ones after, with nothing missing and nothing twice.
 * <p>
 * All state is guarded by the channel's monitor. Sinks never block, so delivering under it is safe.
 */
final class RoomChannel {
    private final RoomId roomId;
    private final Map<ConnectionId, RoomSubscription> subscriptions = new LinkedHashMap<>();
    /** Null until the room's last stored seq is known; messages offered before that wait in {@link #early}. */
    private SeqOrderer orderer;
    /**
     * By seq, each once: a message may be offered twice before the channel is ready (the storing node's
     * publication and its answer to the node that handed it the send), and only its first copy may go out.
     */
    private TreeMap<Long, ChatMessage> early = new TreeMap<>();
    private boolean closed;
    private final CompletableFuture<Void> opened = new CompletableFuture<>();
    /** Told when a message has to wait for a gap, so that the gap gets filled or given up on in time. */
    private final Consumer<RoomChannel> onGap;
    /** The last released seq when the pending gap check was asked for; -1 when none is pending. */
    private long gapCheckFrom = -1;
    /**
     * How many times the store was read for the gap after {@link #readGapFrom} and lacked some of it. Another node may
     * store a missing message a second or more after a later one was published (a send it was handed, answered after
     * the sender had given up on it), so a gap is read again a few times before it is given up on.
     */
    private int gapReads;
    private long readGapFrom = -1;
    static final int GAP_READS = 15;

    RoomChannel(RoomId roomId, Consumer<RoomChannel> onGap) {
        this.roomId = roomId;
        this.onGap = onGap;
    }

    RoomId roomId() {
        return roomId;
    }

    /** Adds a connection, which buffers live messages until {@link #goLive} says where it starts. False once closed. */
    synchronized boolean attach(LiveConnection connection) {
        if (closed) {
            return false;
        }
        subscriptions.computeIfAbsent(connection.id(), id -> new RoomSubscription(connection,
                orderer == null ? null : orderer.lastReleased()));
        return true;
    }

    /** Removes a connection; true when it was the last one and the channel is now closed for good. */
    synchronized boolean detach(ConnectionId connectionId) {
        subscriptions.remove(connectionId);
        if (subscriptions.isEmpty() && !closed) {
            closed = true;
            return true;
        }
        return false;
    }

    synchronized boolean isReady() {
        return orderer != null;
    }

    /** Completes when the channel knows where the room stands, or fails when it could not find out. */
    CompletionStage<Void> opened() {
        return opened;
    }

    /** The channel could not open; its subscribers are told by their joins failing. */
    void failed(Throwable error) {
        synchronized (this) {
            closed = true;
        }
        opened.completeExceptionally(error);
    }

    /**
     * The room's last stored seq is known: from here on messages go out strictly in seq order.
     * Messages offered earlier that are not newer than it were stored before this node watched the
     * room; of those, only their senders' own connections still need them (their echo).
     */
    void ready(long lastStoredSeq, Function<UserId, List<LiveConnection>> localConnectionsOf) {
        synchronized (this) {
            release(lastStoredSeq, localConnectionsOf);
        }
        opened.complete(null);
    }

    private void release(long lastStoredSeq, Function<UserId, List<LiveConnection>> localConnectionsOf) {
        orderer = new SeqOrderer(lastStoredSeq);
        for (RoomSubscription subscription : subscriptions.values()) {
            if (subscription.joinedAfter() == null) {
                subscription.joinedAfter(lastStoredSeq);
            }
        }
        TreeMap<Long, ChatMessage> waiting = early;
        early = null;
        for (ChatMessage message : waiting.values()) {
            List<LiveConnection> senders = localConnectionsOf.apply(message.userId());
            if (orderer.isBehind(message.seq())) {
                // Stored before this node watched the room: only its sender still needs the echo.
                echo(message, senders, 0);
            } else {
                offer(message, senders, 0);
            }
        }
    }

    /**
     * A stored message for this room, from this node or another. It goes to every subscription and to
     * the sender's own connections that are not joined here, once, and in seq order. {@code acceptedAt} is when
     * the core took it in, for timing its deliveries (0: not timed); messages it releases from behind a gap go out
     * with it too, since that is when they could go.
     */
    synchronized void offer(ChatMessage message, List<LiveConnection> senderConnections, long acceptedAt) {
        if (orderer == null) {
            early.putIfAbsent(message.seq(), message);
            return;
        }
        if (orderer.isBehind(message.seq())) {
            if (orderer.arrivedAfterSkip(message.seq())) {
                echo(message, senderConnections, acceptedAt);
            }
            return;
        }
        for (ChatMessage released : orderer.offer(message)) {
            deliver(released, released == message ? senderConnections : List.of(), acceptedAt);
        }
        watchForGap();
    }

    private void watchForGap() {
        if (orderer.heldCount() > 0 && gapCheckFrom < 0) {
            gapCheckFrom = orderer.lastReleased();
            onGap.accept(this);
        }
    }

    /**
     * The gap to fill now, as {@code {after, before}}: the messages after {@code after} and before the
     * first held one are missing. Null when no gap is left. When the gap moved since the check was asked
     * for, a new check is asked for instead, so that every gap waits its full time before it is given up.
     */
    synchronized long[] gapToFill() {
        long askedFrom = gapCheckFrom;
        gapCheckFrom = -1;
        if (orderer == null || orderer.heldCount() == 0) {
            return null;
        }
        if (orderer.lastReleased() != askedFrom) {
            watchForGap();
            return null;
        }
        return new long[] {orderer.lastReleased(), orderer.firstHeldSeq()};
    }

    /**
     * Fills a gap with what the store had of the missing messages; once the store has lacked the rest for
     * {@link #GAP_READS} reads in a row, gives up on them and releases what waited behind them.
     */
    synchronized void fillGap(List<ChatMessage> found, long before,
                              Function<UserId, List<LiveConnection>> localConnectionsOf) {
        for (ChatMessage message : found) {
            if (message.seq() < before) {
                offer(message, localConnectionsOf.apply(message.userId()), 0);
            }
        }
        if (orderer.lastReleased() != readGapFrom) {
            readGapFrom = orderer.lastReleased();
            gapReads = 0;
        }
        if (orderer.lastReleased() < before - 1 && ++gapReads < GAP_READS) {
            watchForGap(); // still missing: read the store again after another gap timeout
            return;
        }
        for (ChatMessage released : orderer.skipTo(before - 1)) {
            deliver(released, localConnectionsOf.apply(released.userId()), 0);
        }
        watchForGap();
    }

    /** A message whose turn has passed, to its sender's own connections only, so they see it was sent. */
    private void echo(ChatMessage message, List<LiveConnection> senderConnections, long acceptedAt) {
        Broadcast broadcast = new Broadcast(new MessagePosted(message), acceptedAt);
        senderConnections.forEach(connection -> connection.deliver(broadcast));
    }

    private void deliver(ChatMessage message, List<LiveConnection> senderConnections, long acceptedAt) {
        Broadcast broadcast = new Broadcast(new MessagePosted(message), acceptedAt);
        for (RoomSubscription subscription : subscriptions.values()) {
            subscription.take(message, broadcast);
        }
        for (LiveConnection sender : senderConnections) {
            if (!subscriptions.containsKey(sender.id())) {
                sender.deliver(broadcast);
            }
        }
    }

    /** An event that is not a message (presence, typing, joins) to every subscription but those excluded. */
    synchronized void broadcast(RoomEvent event, Predicate<LiveConnection> exclude) {
        Broadcast broadcast = new Broadcast(event);
        for (RoomSubscription subscription : subscriptions.values()) {
            if (!exclude.test(subscription.connection())) {
                subscription.connection().deliver(broadcast);
            }
        }
    }

    /** The users with a connection attached here. */
    synchronized Set<UserId> users() {
        Set<UserId> users = new HashSet<>();
        for (RoomSubscription subscription : subscriptions.values()) {
            users.add(subscription.connection().user().id());
        }
        return users;
    }

    /** The seq up to which messages have been released here; later ones will reach every subscription live. */
    synchronized long lastReleasedSeq() {
        if (orderer == null) {
            throw new IllegalStateException("channel of " + roomId + " is not ready");
        }
        return orderer.lastReleased();
    }

    /**
     * Ends a subscription's catch-up: sends what it buffered meanwhile that is newer than
     * {@code deliveredUpTo}, then lets live messages through.
     */
    synchronized void goLive(ConnectionId connectionId, long deliveredUpTo) {
        RoomSubscription subscription = subscriptions.get(connectionId);
        if (subscription != null) {
            subscription.goLive(deliveredUpTo);
        }
    }

    /** Lets a subscription that does not resume go live from the moment it joined. */
    synchronized void goLiveFromJoin(ConnectionId connectionId) {
        RoomSubscription subscription = subscriptions.get(connectionId);
        if (subscription != null) {
            subscription.goLive(subscription.joinedAfter());
        }
    }
}
