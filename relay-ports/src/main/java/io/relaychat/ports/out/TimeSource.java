package io.relaychat.ports.out;

import java.time.Instant;

@FunctionalInterface
public interface TimeSource {
    Instant now();
}
