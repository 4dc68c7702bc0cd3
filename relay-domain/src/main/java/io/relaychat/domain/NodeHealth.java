package io.relaychat.domain;

import io.relaychat.ports.in.HealthUseCase;
import io.relaychat.ports.out.PresencePort;
import io.relaychat.ports.out.RoomEventBus;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Whether this node reaches the others: degraded while the bus or presence cannot; it still serves its own.
 * Readiness, whether it should be sent traffic at all, is asked of its dependencies by {@link ReadinessProbes}.
 */
final class NodeHealth implements HealthUseCase {
    private final RoomEventBus bus;
    private final PresencePort presence;
    private final ReadinessProbes readiness;

    NodeHealth(RoomEventBus bus, PresencePort presence, ReadinessProbes readiness) {
        this.bus = bus;
        this.presence = presence;
        this.readiness = readiness;
    }

    @Override
    public CompletionStage<Readiness> readiness() {
        return readiness.check();
    }

    @Override
    public Health check() {
        Map<String, String> failing = new LinkedHashMap<>();
        if (!bus.isAvailable()) {
            failing.put("event_bus", "unavailable");
        }
        if (!presence.isAvailable()) {
            failing.put("presence", "unavailable");
        }
        return new Health(failing.isEmpty(), failing);
    }
}
