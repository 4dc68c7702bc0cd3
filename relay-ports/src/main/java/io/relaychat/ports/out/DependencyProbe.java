package io.relaychat.ports.out;

import java.util.concurrent.CompletionStage;

/**
 * Asks one dependency the node cannot serve without (its store, its bus) whether it answers now, with the
 * cheapest request it has: what readiness is made of.
 */
@FunctionalInterface
public interface DependencyProbe {
    /**
     * Completes once the dependency answered; fails when it did not, with a short message fit for an
     * unauthenticated health endpoint: no address, no credentials. Never blocks the caller. May take as long as
     * the dependency's own timeout: the core stops waiting sooner.
     */
    CompletionStage<Void> ping();
}
