package io.relaychat.adapter.redis;

import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.event.Event;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.event.connection.DisconnectedEvent;
import io.lettuce.core.resource.ClientResources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

import java.net.SocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * On a Redis Cluster, notices when this node's subscriptions may have been lost, and has them all made again, once
 * for a burst of such signs. Lettuce keeps a subscription on the connection to the shard that served its slot, and
 * a shard can stop serving it in three ways, none of which Lettuce repairs for sharded channels:
 * <ul>
 *   <li>the shard died and a replica took over: the topology changes, and the old connection is closed;</li>
 *   <li>the slot moved, or the shard became a replica: the shard ends the subscription itself (SUNSUBSCRIBE);</li>
 *   <li>the connection dropped and came back: Lettuce re-subscribes every channel in one SSUBSCRIBE, which the
 *       shard refuses unless they all share a slot.</li>
 * </ul>
 * Subscribing again goes to whichever shard now serves each channel; what was published meanwhile is read from the
 * message store by the core, which the bus tells it to do.
 */
final class ClusterWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterWatch.class);
    /** Long enough to gather the signs of one failover (topology, closed and reopened connections) into one pass. */
    static final long SETTLE_MILLIS = 200;

    private final ScheduledExecutorService timer;
    private final Consumer<String> resubscribeAll;
    private final Disposable events;
    private final Set<SocketAddress> dropped = ConcurrentHashMap.newKeySet();
    private final Object lock = new Object();
    private boolean scheduled;
    private String reasons = "";

    /** {@code resubscribeAll}: makes every subscription of the node again; told why. */
    ClusterWatch(ClientResources resources, ScheduledExecutorService timer, Consumer<String> resubscribeAll) {
        this.timer = timer;
        this.resubscribeAll = resubscribeAll;
        this.events = resources.eventBus().get().subscribe(this::on);
    }

    private void on(Event event) {
        if (event instanceof ClusterTopologyChangedEvent) {
            soon("the cluster's topology changed");
        } else if (event instanceof DisconnectedEvent disconnected) {
            dropped.add(disconnected.remoteAddress());
        } else if (event instanceof ConnectionActivatedEvent activated && dropped.remove(activated.remoteAddress())) {
            soon("a connection to " + activated.remoteAddress() + " is back");
        }
    }

    /** A shard ended a subscription this node still wants. */
    void subscriptionEnded(String channel) {
        soon("a shard ended the subscription to " + channel);
    }

    private void soon(String reason) {
        synchronized (lock) {
            reasons = reasons.isEmpty() ? reason : reasons.contains(reason) ? reasons : reasons + "; " + reason;
            if (scheduled) {
                return;
            }
            scheduled = true;
        }
        try {
            timer.schedule(this::run, SETTLE_MILLIS, TimeUnit.MILLISECONDS);
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
        resubscribeAll.accept(why);
    }

    @Override
    public void close() {
        events.dispose();
    }
}
