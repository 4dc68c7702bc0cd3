package io.relaychat.ports.out;

import java.time.Instant;

/** The core's clock: the wall clock for timestamps, a monotonic one for measuring how long things take. */
@FunctionalInterface
public interface TimeSource {
    Instant now();

    /**
     * Nanoseconds from an arbitrary origin that never goes backwards, for rates and timeouts: the wall clock
     * may be stepped (NTP) and would freeze or release them all at once.
     */
    default long nanoTime() {
        return System.nanoTime();
    }
}
