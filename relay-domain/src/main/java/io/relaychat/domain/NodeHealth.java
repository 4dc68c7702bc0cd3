package io.relaychat.domain;

import io.relaychat.ports.in.HealthUseCase;
import io.relaychat.ports.out.PresencePort;
import io.relaychat.ports.out.RoomEventBus;

import java.util.LinkedHashMap;
import java.util.Map;

/** Whether this node reaches the others: degraded while the bus or presence cannot; it still serves its own. */
final class NodeHealth implements HealthUseCase {
    private final RoomEventBus bus;
    private final PresencePort presence;

    NodeHealth(RoomEventBus bus, PresencePort presence) {
        this.bus = bus;
        this.presence = presence;
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
