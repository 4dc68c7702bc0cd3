package io.relaychat.server;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.relaychat.ports.in.HealthUseCase;
import io.relaychat.ports.in.HealthUseCase.DependencyState;
import io.relaychat.ports.in.HealthUseCase.Readiness;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The meters read when the node is scraped rather than updated per event: open connections and WebSockets, the
 * rooms joined here, the bcrypt queue, whether each dependency answers its readiness ping, and the JVM's and the
 * process's own (memory, GC pauses, threads, class loading, CPU, open files, uptime).
 */
final class NodeMeters implements AutoCloseable {
    private final JvmGcMetrics gc = new JvmGcMetrics();

    /** The node's parts, as read at scrape time. */
    record Sources(IntSupplier openConnections, IntSupplier openWebSockets, IntSupplier joinedRooms,
                   IntSupplier bcryptQueued, HealthUseCase health, Duration readinessWait) {
    }

    NodeMeters(MeterRegistry registry, Sources sources) {
        Gauge.builder("relay.connections.open", sources.openConnections()::getAsInt)
                .description("Open connections, HTTP and WebSocket").register(registry);
        Gauge.builder("relay.websockets.open", sources.openWebSockets()::getAsInt)
                .description("Open WebSockets").register(registry);
        Gauge.builder("relay.joined.rooms", sources.joinedRooms()::getAsInt)
                .description("Rooms with a connection of this node joined: its room subscriptions").register(registry);
        Gauge.builder("relay.bcrypt.queue.depth", sources.bcryptQueued()::getAsInt)
                .description("Password hashes waiting for a bcrypt thread").register(registry);
        for (String dependency : new String[] {"store", "bus"}) {
            Gauge.builder("relay.dependency.up", () -> up(sources, dependency)).tag("dependency", dependency)
                    .description("1 while the dependency answers its readiness ping, else 0").register(registry);
        }
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /**
     * The core's readiness answer, which it keeps for RELAY_READY_CACHE_MS and shares among those asking, so a scrape
     * pings no more often than readiness does; waited for on the scrape thread at most the probe bound. A dependency
     * this node does not probe counts as up; no answer in time, as down.
     */
    private static double up(Sources sources, String dependency) {
        try {
            Readiness readiness = sources.health().readiness().toCompletableFuture()
                    .get(sources.readinessWait().toMillis(), TimeUnit.MILLISECONDS);
            DependencyState state = readiness.dependencies().get(dependency);
            return state == null || state.up() ? 1 : 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (Exception e) {
            return 0;
        }
    }

    @Override
    public void close() {
        gc.close();
    }
}
