package io.relaychat.ports.model;

/**
 * Lets a thread that finishes many requests at once, a store's writer committing a batch of messages, hand what
 * they deliver to the client transport together. Each completion routes its message to the
 * {@link ClientSink}s of its recipients and answers its sender; done one by one, every message costs each transport
 * thread a hand-off and a wake-up of its own. Run through {@link #together}, the transport takes the batch's
 * deliveries in one hand-off per thread once the completions have run, in the order they were sent.
 * <p>
 * The transport implements it; a store that completes in batches takes one and runs its completions through it.
 * The deliveries are held only while {@code completions} run, which must not wait for a client: nothing is sent
 * until they return.
 */
@FunctionalInterface
public interface DeliveryBatching {
    /** Hands each delivery over at once: for a transport that has nothing to gather, and for tests. */
    DeliveryBatching NONE = Runnable::run;

    /** Runs {@code completions} on the calling thread, then hands the deliveries they made to the transport. */
    void together(Runnable completions);
}
