package io.relaychat.adapter.mongo;

import io.relaychat.ports.model.DeliveryBatching;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * For {@code io.relaychat.benchmarks.mongo.CombinedInsertsBenchmark} only: {@link CombinedInserts} is
 * package-private, and the benchmarks live in {@code io.relaychat.benchmarks..} (the architecture rules say so), so
 * this class, compiled into relay-benchmarks in the adapter's package, passes its calls straight through. Nothing
 * else may use it. It holds no JMH and no logic of its own, so what the benchmark measures is {@link CombinedInserts}
 * itself.
 *
 * @param <D> the documents, as {@code send} takes them
 */
public final class BenchmarkInserts<D> {
    private final CombinedInserts<D> inserts;

    /** {@link CombinedInserts#CombinedInserts}. */
    public BenchmarkInserts(Function<List<D>, CompletableFuture<Void>> send, int inFlight, DeliveryBatching deliveries) {
        this.inserts = new CombinedInserts<>(send, inFlight, deliveries);
    }

    /** {@link CombinedInserts#insert}; the outcome's type is the adapter's own. */
    public CompletableFuture<?> insert(List<D> documents) {
        return inserts.insert(documents);
    }
}
