package io.relaychat.adapter.redis;

import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.event.Event;
import io.lettuce.core.resource.ClientResources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * On a Redis Cluster, hears when this node's subscriptions may have been lost, and has them all made again, once
 * for a burst of such signs. Lettuce keeps a subscription on the connection to the shard that served its slot, and
 * a shard can stop serving it in three ways, none of which Lettuce repairs for sharded channels:
 * <ul>
 *   <li>the shard died and a replica took over: the topology changes, and the old connection is closed;</li>
 *   <li>the slot moved, or the shard became a replica: the shard ends the subscription itself (SUNSUBSCRIBE);</li>
 *   <li>the connection dropped and came back: Lettuce re-subscribes every channel in one SSUBSCRIBE, which the
 *       shard refuses unless they all share a slot.</li>
 * </ul>
 * Subscribing again goes to whichever shard now serves each channel; what was published meanwhile is read from the
 * message store by the core, which the bus tells it to do. A pass that fails (a shard still failing over) is tried
 * again a second later, until one succeeds.
 */
final class ClusterWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterWatch.class);
    /** Long enough to gather the signs of one failover (topology, closed and reopened connections) into one pass. */
    static final long SETTLE_MILLIS = 200;
    static final long RETRY_MILLIS = 1000;

    private final ScheduledExecutorService timer;
    private final Function<String, CompletableFuture<Void>> resubscribeAll;
    private final Disposable events;
    private final Object lock = new Object();
    private boolean scheduled;
    private String reasons = "";

    /** {@code resubscribeAll}: makes every subscription of the node again, told why; fails when it could not. */
    ClusterWatch(ClientResources resources, ScheduledExecutorService timer,
                 Function<String, CompletableFuture<Void>> resubscribeAll) {
        this.timer = timer;
        this.resubscribeAll = resubscribeAll;
        this.events = resources.eventBus().get().subscribe(this::on);
    }

    private void on(Event event) {
        try {
            if (event instanceof ClusterTopologyChangedEvent) {
                soon("the cluster's topology changed", SETTLE_MILLIS);
            }
        } catch (RuntimeException e) {
            // thrown here, it would end the subscription to the event bus without a word
            log.warn("handling a cluster event failed: {}", e.toString());
        }
    }

    /** A pub/sub connection to a shard dropped and is back: Lettuce's own re-subscription there may have been refused. */
    void shardConnectionBack() {
        soon("a pub/sub connection to a shard is back", SETTLE_MILLIS);
    }

    /**
     * A publication failed, its shard perhaps failing over. The core publishes it again once told the bus resumed, and
     * the resync after a failover may have come and gone before the publication timed out.
     */
    void publicationFailed() {
        soon("a publication failed", RETRY_MILLIS);
    }

    /** A shard ended a subscription this node still wants. */
    void subscriptionEnded(String channel) {
        soon("a shard ended the subscription to " + channel, SETTLE_MILLIS);
    }

    private void soon(String reason, long delayMillis) {
        synchronized (lock) {
            reasons = reasons.isEmpty() ? reason : reasons.contains(reason) ? reasons : reasons + "; " + reason;
            if (scheduled) {
                return;
            }
            scheduled = true;
        }
        try {
            timer.schedule(this::run, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            // the node is closing
        }
    }

    private void run() {
        String why;
        synchronized (lock) {
            why = reasons;
            reasons = "";
            scheduled = false;
        }
        log.info("subscribing again to every channel: {}", why);
        resubscribeAll.apply(why).whenComplete((done, error) -> {
            if (error != null) {
                log.warn("subscribing again failed, trying again in {} ms: {}", RETRY_MILLIS, error.getMessage());
                soon("the last attempt failed", RETRY_MILLIS);
            }
        });
    }

    @Override
    public void close() {
        events.dispose();
    }
}
