package io.relaychat.domain;

import java.time.Duration;
import java.util.Objects;

/**
 * How long readiness waits for its pings, and how long it keeps their answer. Zero turns either off: no bound
 * on the wait (the dependencies' own timeouts still end it), or a new round of pings for every check.
 *
 * @param probeTimeout a dependency that has not answered its ping this soon counts as down
 * @param keepAnswer   checks within this long of the last answer get that answer, without pinging again: the
 *                     load balancers of a service ask every few seconds each, and all at once after an outage
 */
public record ReadinessBounds(Duration probeTimeout, Duration keepAnswer) {
    public static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_KEEP_ANSWER = Duration.ofSeconds(1);

    public ReadinessBounds {
        Objects.requireNonNull(probeTimeout, "probeTimeout");
        Objects.requireNonNull(keepAnswer, "keepAnswer");
        if (probeTimeout.isNegative() || keepAnswer.isNegative()) {
            throw new IllegalArgumentException("readiness bounds must not be negative");
        }
    }

    public static ReadinessBounds defaults() {
        return new ReadinessBounds(DEFAULT_PROBE_TIMEOUT, DEFAULT_KEEP_ANSWER);
    }
}
