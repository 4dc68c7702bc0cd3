package io.relaychat.adapter.local;

import io.relaychat.ports.out.DependencyProbe;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The readiness probe of what lives in this process (the in-memory stores, the in-process bus): it answers
 * whenever the process does, so its ping succeeds at once.
 */
public final class InProcessProbe implements DependencyProbe {
    public static final InProcessProbe INSTANCE = new InProcessProbe();

    private InProcessProbe() {
    }

    @Override
    public CompletionStage<Void> ping() {
        return CompletableFuture.completedFuture(null);
    }
}
