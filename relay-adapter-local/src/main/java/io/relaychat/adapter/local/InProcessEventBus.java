package io.relaychat.adapter.local;

import io.relaychat.ports.in.ClusterEvents;
import io.relaychat.ports.model.RoomEvent;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.out.RoomEventBus;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The room event bus between nodes that live in one JVM. A single server uses one node on its own
 * network, where publishing reaches nobody; several cores embedded in one program (or a test) share
 * a {@link Network} and behave like a cluster. Events are handed over on the publisher's thread, in
 * publication order, to the core each node was {@linkplain #attach attached} to; a node not attached yet
 * hears nothing.
 */
public final class InProcessEventBus implements RoomEventBus {
    private final Network network;
    private final Set<RoomId> subscriptions = ConcurrentHashMap.newKeySet();
    private volatile ClusterEvents core;

    private InProcessEventBus(Network network) {
        this.network = network;
    }

    /** A bus for a node that is alone: nobody ever publishes to it, so it needs no core. */
    public static InProcessEventBus standalone() {
        return new Network().join();
    }

    /** Where this node's events go from now on; called once, when the core is built. */
    public void attach(ClusterEvents core) {
        this.core = core;
    }

    @Override
    public CompletionStage<Void> publish(RoomEvent event) {
        for (InProcessEventBus node : network.nodes) {
            ClusterEvents receiver = node.core;
            if (node != this && receiver != null && node.subscriptions.contains(event.roomId())) {
                receiver.published(event);
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> subscribe(RoomId roomId) {
        subscriptions.add(roomId);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> unsubscribe(RoomId roomId) {
        subscriptions.remove(roomId);
        return CompletableFuture.completedFuture(null);
    }

    /** Whether this node currently receives the room's events. */
    public boolean isSubscribed(RoomId roomId) {
        return subscriptions.contains(roomId);
    }

    /** Nodes in one JVM that hear each other. */
    public static final class Network {
        private final List<InProcessEventBus> nodes = new CopyOnWriteArrayList<>();

        public InProcessEventBus join() {
            InProcessEventBus node = new InProcessEventBus(this);
            nodes.add(node);
            return node;
        }
    }
}
