package io.relaychat.ports.in;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

public interface HealthUseCase {
    /** Whether every part is working; a degraded node still serves its own connections. */
    Health check();

    /**
     * Whether this node should be sent traffic: each dependency it cannot serve without answered just now. Never
     * blocks and never fails; completes within the core's readiness bound even while a dependency hangs. Checks
     * close together share one round of pings, so that asking often costs the dependencies nothing more.
     */
    CompletionStage<Readiness> readiness();

    /** {@code components} names each part that is not working, with what is wrong; empty when healthy. */
    record Health(boolean healthy, Map<String, String> components) {
        public Health {
            components = Map.copyOf(components);
        }
    }

    /** Each dependency probed ("store", "bus"), in the order probed; ready when every one is up. */
    record Readiness(Map<String, DependencyState> dependencies) {
        public Readiness {
            dependencies = Collections.unmodifiableMap(new LinkedHashMap<>(dependencies));
        }

        public boolean ready() {
            return dependencies.values().stream().allMatch(DependencyState::up);
        }
    }

    /**
     * One dependency's answer to a ping: {@code latency} is how long it took, or how long it was waited for when
     * it did not answer; {@code error} says why it is down (null when up), in words safe to show anyone.
     */
    record DependencyState(boolean up, Duration latency, String error) {
        public DependencyState {
            Objects.requireNonNull(latency, "latency");
            if (up != (error == null)) {
                throw new IllegalArgumentException("a dependency is down exactly when it has an error");
            }
        }

        public static DependencyState up(Duration latency) {
            return new DependencyState(true, latency, null);
        }

        public static DependencyState down(Duration latency, String error) {
            return new DependencyState(false, latency, Objects.requireNonNull(error, "error"));
        }
    }
}
