package io.relaychat.ports.in;

import java.util.Map;

public interface HealthUseCase {
    /** Whether every part is working; a degraded node still serves its own connections. */
    Health check();

    /** {@code components} names each part that is not working, with what is wrong; empty when healthy. */
    record Health(boolean healthy, Map<String, String> components) {
        public Health {
            components = Map.copyOf(components);
        }
    }
}
