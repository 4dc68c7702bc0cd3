package io.relaychat.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.relaychat.ports.model.Reason;
import io.relaychat.ports.out.RelayMetrics;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Turns what the core and the adapters report into Micrometer meters, every one built here up front: a counter per
 * refusal code and per rate-limited kind in arrays by ordinal, so that a report is an array read and an add, with no
 * tag lookup, lock or allocation. Latencies are Timers with a fixed, short list of buckets (service level objectives,
 * no percentile histogram), so that a histogram costs a dozen series, not a hundred.
 */
final class MicrometerRelayMetrics implements RelayMetrics {
    /** From a millisecond to a few seconds: what a chat user tells apart. */
    private static final Duration[] LATENCY_BUCKETS = {
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5)};

    private final Counter accepted;
    private final Counter[] refused;
    private final Counter[] rateLimited;
    private final Timer storeAppend;
    private final Counter storeErrors;
    private final Counter gapFills;
    private final Counter forwarded;
    private final Counter framesWritten;
    private final Timer deliveryLatency;
    private final Counter slowConsumerCloses;
    private final Timer busLatency;
    private final Counter busErrors;
    private final Timer bcryptWait;
    private final Counter webhooksDelivered;
    private final Counter webhookRetries;
    private final Counter[] webhooksDropped;

    MicrometerRelayMetrics(MeterRegistry registry) {
        accepted = Counter.builder("relay.messages.accepted").description("Sends stored (or found stored) and acknowledged")
                .register(registry);
        Reason[] reasons = Reason.values();
        refused = new Counter[reasons.length];
        for (Reason reason : reasons) {
            refused[reason.ordinal()] = Counter.builder("relay.messages.refused").tag("code", reason.code())
                    .description("Sends refused, by the error code the client was answered").register(registry);
        }
        Limited[] kinds = Limited.values();
        rateLimited = new Counter[kinds.length];
        for (Limited what : kinds) {
            rateLimited[what.ordinal()] = Counter.builder("relay.rate.limited").tag("what", what.tag())
                    .description("Requests refused for their rate, by kind").register(registry);
        }
        storeAppend = latency(registry, "relay.store.append", "Message store appends, failed ones included");
        storeErrors = Counter.builder("relay.store.errors").description("Message store appends that failed")
                .register(registry);
        gapFills = Counter.builder("relay.gap.fills").description("Gaps in a room's seqs read from the store")
                .register(registry);
        forwarded = Counter.builder("relay.forwarded.sends")
                .description("Sends handed to the node that stores their room").register(registry);
        framesWritten = Counter.builder("relay.deliveries.written")
                .description("Server event frames handed to WebSocket sockets").register(registry);
        deliveryLatency = latency(registry, "relay.delivery.latency",
                "From a live message taken in by this node to its frame handed to one recipient's socket");
        slowConsumerCloses = Counter.builder("relay.slow.consumer.closes")
                .description("WebSockets closed with 1013 for reading slower than their rooms talk").register(registry);
        busLatency = latency(registry, "relay.bus.latency",
                "From a message published by another node (its wall clock) to its receipt here");
        busErrors = Counter.builder("relay.bus.errors")
                .description("Bus publications or subscriptions that failed, and envelopes that could not be read")
                .register(registry);
        bcryptWait = latency(registry, "relay.bcrypt.wait", "How long a password hash waited for a bcrypt thread");
        webhooksDelivered = Counter.builder("relay.webhook.delivered")
                .description("Webhook events the receiver answered 2xx").register(registry);
        webhookRetries = Counter.builder("relay.webhook.retries")
                .description("Webhook attempts that failed and were retried after a back-off").register(registry);
        WebhookDrop[] drops = WebhookDrop.values();
        webhooksDropped = new Counter[drops.length];
        for (WebhookDrop why : drops) {
            webhooksDropped[why.ordinal()] = Counter.builder("relay.webhook.dropped").tag("why", why.tag())
                    .description("Webhook events given up, by why").register(registry);
        }
    }

    private static Timer latency(MeterRegistry registry, String name, String description) {
        return Timer.builder(name).description(description).serviceLevelObjectives(LATENCY_BUCKETS)
                .publishPercentileHistogram(false).register(registry);
    }

    @Override
    public long timestamp() {
        return System.nanoTime() | 1; // never 0, which means "not timed"
    }

    private static void since(Timer timer, long startedAt) {
        long nanos = System.nanoTime() - startedAt;
        timer.record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    @Override
    public void messageAccepted() {
        accepted.increment();
    }

    @Override
    public void messageRefused(Reason reason) {
        refused[reason.ordinal()].increment();
    }

    @Override
    public void rateLimited(Limited what) {
        rateLimited[what.ordinal()].increment();
    }

    @Override
    public void storeAppended(long startedAt, boolean failed) {
        since(storeAppend, startedAt);
        if (failed) {
            storeErrors.increment();
        }
    }

    @Override
    public void gapFilled() {
        gapFills.increment();
    }

    @Override
    public void sendForwarded() {
        forwarded.increment();
    }

    @Override
    public void frameWritten() {
        framesWritten.increment();
    }

    @Override
    public void deliveryWritten(long acceptedAt) {
        since(deliveryLatency, acceptedAt);
    }

    @Override
    public void slowConsumerClosed() {
        slowConsumerCloses.increment();
    }

    /** Across nodes only the wall clock is shared; a clock behind the publisher's reads as 0, not as negative. */
    @Override
    public void busReceived(long publishedAtMillis) {
        busLatency.record(Math.max(0, System.currentTimeMillis() - publishedAtMillis), TimeUnit.MILLISECONDS);
    }

    @Override
    public void busError() {
        busErrors.increment();
    }

    @Override
    public void bcryptStarted(long queuedAt) {
        since(bcryptWait, queuedAt);
    }

    @Override
    public void webhookDelivered() {
        webhooksDelivered.increment();
    }

    @Override
    public void webhookRetried() {
        webhookRetries.increment();
    }

    @Override
    public void webhookDropped(WebhookDrop why) {
        webhooksDropped[why.ordinal()].increment();
    }
}
