package io.relaychat.adapter.redis;

import io.relaychat.ports.in.ClusterEvents;
import io.relaychat.ports.model.RoomEvent;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.out.RelayMetrics;
import io.relaychat.ports.out.RoomEventBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The room event bus on Redis pub/sub: one channel per room, {@code relay:room:{<room id>}}, subscribed by a
 * node only while one of its connections is joined to the room. Traffic therefore scales with rooms, not
 * with the cluster's total: a node reads only its rooms' events.
 * <p>
 * The bus is best effort by design, and says so: while Redis is away, publications are dropped (not queued
 * without bound), subscriptions asked for are remembered, and when Redis is back the node subscribes again
 * and tells the core, which then reads what it missed from the message store. A subscription refused or unanswered
 * while the connection stays up is asked for again every second until it is in place, and then the core catches up
 * too. Until the bus is attached to the core, what arrives is dropped.
 */
final class RedisRoomEventBus implements RoomEventBus {
    private static final Logger log = LoggerFactory.getLogger(RedisRoomEventBus.class);
    static final long SUBSCRIBE_RETRY_MILLIS = 1000;

    private final String nodeId;
    private final Channels channels;
    private final ScheduledExecutorService background;
    private final RelayMetrics metrics;
    private final Set<String> wanted = ConcurrentHashMap.newKeySet();
    private final Set<String> toDrop = ConcurrentHashMap.newKeySet();
    /** Rooms whose subscription failed while Redis was connected: asked for again, all together, a second later. */
    private final Set<RoomId> toRetry = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean retryScheduled = new AtomicBoolean();
    /** Counts resyncs, so that only the newest of overlapping ones decides. */
    private final AtomicLong resyncs = new AtomicLong();
    private volatile ClusterEvents core;
    private volatile Runnable onPublishFailure = () -> { };
    private volatile boolean available = true;

    RedisRoomEventBus(String nodeId, Channels channels, ScheduledExecutorService background, RelayMetrics metrics) {
        this.metrics = metrics;
        this.nodeId = nodeId;
        this.channels = channels;
        this.background = background;
        channels.listen(channel -> channel.startsWith(RedisKeys.ROOM_CHANNEL_PREFIX), this::receive);
    }

    void attach(ClusterEvents value) {
        this.core = value;
    }

    /**
     * Run after a publication failed. On a cluster, where the bus stays up while one shard fails over, it has a resync
     * come soon: the core publishes what failed again when told the bus resumed, and would otherwise wait for the
     * next such word, which may be long in coming.
     */
    void onPublishFailure(Runnable hook) {
        this.onPublishFailure = hook;
    }

    private void receive(String message) {
        Envelope.Received received;
        try {
            received = Envelope.decode(message);
        } catch (RuntimeException e) {
            metrics.busError();
            log.warn("dropping a malformed bus envelope: {}", e.getMessage());
            return;
        }
        ClusterEvents receiver = core;
        if (received == null || received.origin().equals(nodeId) || receiver == null) {
            return; // a newer format, our own publication coming back, or not wired yet
        }
        if (received.publishedAtMillis() > 0) {
            metrics.busReceived(received.publishedAtMillis());
        }
        receiver.published(received.event());
    }

    @Override
    public CompletionStage<Void> publish(RoomEvent event) {
        if (!available) {
            return CompletableFuture.completedFuture(null); // dropped; receivers catch up from the store
        }
        String channel = RedisKeys.roomChannel(event.roomId());
        String envelope = Envelope.encode(nodeId, event);
        return channels.publish(channel, envelope).handle((receivers, error) -> {
            if (error != null) {
                metrics.busError();
                CompletionException failure = error instanceof CompletionException wrapped ? wrapped
                        : new CompletionException(error);
                // The caller hears of the failure first (it keeps the event to publish again), then the hook.
                CompletableFuture.runAsync(onPublishFailure, background);
                throw failure;
            }
            return null;
        });
    }

    @Override
    public CompletionStage<Void> subscribe(RoomId roomId) {
        String channel = RedisKeys.roomChannel(roomId);
        wanted.add(channel);
        toDrop.remove(channel);
        if (!available) {
            return CompletableFuture.completedFuture(null);
        }
        return channels.subscribe(channel)
                .exceptionally(error -> {
                    metrics.busError();
                    log.warn("subscribing to {} failed; asked for again in {} ms: {}", channel,
                            SUBSCRIBE_RETRY_MILLIS, error.getMessage());
                    toRetry.add(roomId);
                    retrySoon();
                    return null;
                });
    }

    /**
     * A command timed out or refused does not drop the connection, so no reconnect would make the subscription: the
     * failed rooms are subscribed again together, and once they are, the core reads what those rooms missed meanwhile.
     */
    private void retrySoon() {
        if (retryScheduled.compareAndSet(false, true)) {
            try {
                background.schedule(this::retryFailedSubscriptions, SUBSCRIBE_RETRY_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RuntimeException closing) {
                retryScheduled.set(false);
            }
        }
    }

    private void retryFailedSubscriptions() {
        retryScheduled.set(false);
        Set<RoomId> rooms = new HashSet<>();
        for (RoomId roomId : Set.copyOf(toRetry)) {
            toRetry.remove(roomId);
            if (wanted.contains(RedisKeys.roomChannel(roomId))) {
                rooms.add(roomId);
            }
        }
        if (rooms.isEmpty() || !available) {
            return; // while Redis is away, the reconnect subscribes every room wanted
        }
        channels.subscribe(rooms.stream().map(RedisKeys::roomChannel).toArray(String[]::new)).whenComplete((done, error) -> {
            if (error != null) {
                metrics.busError();
                log.warn("subscribing again to {} room(s) failed; asked for again in {} ms: {}", rooms.size(),
                        SUBSCRIBE_RETRY_MILLIS, error.getMessage());
                toRetry.addAll(rooms);
                retrySoon();
                return;
            }
            log.info("{} room subscription(s) in place after failing; catching up from the store", rooms.size());
            tellCore(receiver -> receiver.roomsResumed(rooms));
        });
    }

    @Override
    public CompletionStage<Void> unsubscribe(RoomId roomId) {
        String channel = RedisKeys.roomChannel(roomId);
        wanted.remove(channel);
        if (!available) {
            toDrop.add(channel);
            return CompletableFuture.completedFuture(null);
        }
        return channels.unsubscribe(channel)
                .exceptionally(error -> {
                    toDrop.add(channel);
                    return null;
                });
    }

    @Override
    public boolean isAvailable() {
        return available;
    }

    /** True for a room channel this node wants: one a shard ended by itself is subscribed again. */
    boolean wants(String channel) {
        return wanted.contains(channel);
    }

    void disconnected() {
        if (available) {
            available = false;
            log.warn("Redis unreachable: events for other nodes are dropped until it is back; they catch up "
                    + "from the message store then");
        }
    }

    /**
     * Redis is back: subscribe to every room wanted (Lettuce re-subscribes what it had; rooms joined meanwhile
     * need asking), drop rooms left meanwhile, then let the core catch up on what it missed. The bus counts as
     * available from the start, so that rooms joined during this resync subscribe themselves.
     */
    void reconnected() {
        background.execute(() -> {
            available = true;
            long generation = resyncs.incrementAndGet();
            resubscribeWanted().whenComplete((rooms, error) -> {
                if (generation != resyncs.get()) {
                    return; // a newer resync decides
                }
                if (error != null) {
                    available = false;
                    log.warn("re-subscribing after reconnect failed; trying again on the next: {}", error.getMessage());
                    return;
                }
                log.info("Redis reachable again: {} room subscription(s) in place; catching up from the store", rooms);
                tellResumed();
            });
        });
    }

    /**
     * On a Redis Cluster, after a shard may have lost some subscriptions: every room wanted is subscribed again, at the
     * shard serving it now, and the core catches up. The bus stays available meanwhile (the other shards serve on);
     * a failure completes the stage exceptionally, for the caller to try again, and only the newest pass counts.
     */
    CompletableFuture<Void> resubscribe() {
        long generation = resyncs.incrementAndGet();
        return resubscribeWanted().thenAccept(rooms -> {
            if (generation == resyncs.get()) {
                log.info("{} room subscription(s) in place again; catching up from the store", rooms);
                tellResumed();
            }
        });
    }

    /**
     * Subscribes to every room wanted and drops the ones left while Redis was away; then drops again any room left
     * while this ran, whose subscription the pass may have just made anew. Completes with the number of rooms.
     */
    private CompletableFuture<Integer> resubscribeWanted() {
        String[] rooms = wanted.toArray(String[]::new);
        String[] stale = toDrop.toArray(String[]::new);
        CompletableFuture<Void> subscribed = rooms.length == 0 ? CompletableFuture.completedFuture(null)
                : channels.subscribe(rooms);
        return subscribed.thenCompose(done -> {
            List<String> drop = new ArrayList<>();
            for (String channel : stale) {
                if (!wanted.contains(channel)) {
                    drop.add(channel);
                }
            }
            for (String channel : rooms) {
                if (!wanted.contains(channel)) {
                    drop.add(channel);
                }
            }
            return drop.isEmpty() ? CompletableFuture.completedFuture(null) : channels.unsubscribe(drop.toArray(String[]::new));
        }).thenApply(done -> {
            for (String channel : stale) {
                toDrop.remove(channel);
            }
            return rooms.length;
        });
    }

    private void tellResumed() {
        tellCore(ClusterEvents::busResumed);
    }

    /** Until the bus is attached to the core there is nobody to tell. */
    private void tellCore(Consumer<ClusterEvents> told) {
        ClusterEvents receiver = core;
        if (receiver != null) {
            told.accept(receiver);
        }
    }
}
