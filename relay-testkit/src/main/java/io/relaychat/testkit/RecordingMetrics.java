package io.relaychat.testkit;

import io.relaychat.ports.model.Reason;
import io.relaychat.ports.out.RelayMetrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link RelayMetrics} that counts what it is told, for tests asserting what a part reports. Its
 * {@link #timestamp()} is never 0, so that whoever reports through it times what it would time for real.
 */
public final class RecordingMetrics implements RelayMetrics {
    private final AtomicLong accepted = new AtomicLong();
    private final Map<Reason, AtomicLong> refused = new EnumMap<>(Reason.class);
    private final Map<Limited, AtomicLong> rateLimited = new EnumMap<>(Limited.class);
    private final AtomicLong storeAppends = new AtomicLong();
    private final AtomicLong storeErrors = new AtomicLong();
    private final AtomicLong gapFills = new AtomicLong();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong frames = new AtomicLong();
    private final AtomicLong deliveries = new AtomicLong();
    private final AtomicLong slowClosed = new AtomicLong();
    private final AtomicLong busReceived = new AtomicLong();
    private final AtomicLong busErrors = new AtomicLong();
    private final AtomicLong bcryptStarted = new AtomicLong();
    private final AtomicLong webhooksDelivered = new AtomicLong();
    private final AtomicLong webhookRetries = new AtomicLong();
    private final Map<WebhookDrop, AtomicLong> webhooksDropped = new EnumMap<>(WebhookDrop.class);

    public RecordingMetrics() {
        for (Reason reason : Reason.values()) {
            refused.put(reason, new AtomicLong());
        }
        for (Limited what : Limited.values()) {
            rateLimited.put(what, new AtomicLong());
        }
        for (WebhookDrop why : WebhookDrop.values()) {
            webhooksDropped.put(why, new AtomicLong());
        }
    }

    @Override
    public long timestamp() {
        return System.nanoTime() | 1;
    }

    @Override
    public void messageAccepted() {
        accepted.incrementAndGet();
    }

    @Override
    public void messageRefused(Reason reason) {
        refused.get(reason).incrementAndGet();
    }

    @Override
    public void rateLimited(Limited what) {
        rateLimited.get(what).incrementAndGet();
    }

    @Override
    public void storeAppended(long startedAt, boolean failed) {
        storeAppends.incrementAndGet();
        if (failed) {
            storeErrors.incrementAndGet();
        }
    }

    @Override
    public void gapFilled() {
        gapFills.incrementAndGet();
    }

    @Override
    public void sendForwarded() {
        forwarded.incrementAndGet();
    }

    @Override
    public void frameWritten() {
        frames.incrementAndGet();
    }

    @Override
    public void deliveryWritten(long acceptedAt) {
        deliveries.incrementAndGet();
    }

    @Override
    public void slowConsumerClosed() {
        slowClosed.incrementAndGet();
    }

    @Override
    public void busReceived(long publishedAtMillis) {
        busReceived.incrementAndGet();
    }

    @Override
    public void busError() {
        busErrors.incrementAndGet();
    }

    @Override
    public void bcryptStarted(long queuedAt) {
        bcryptStarted.incrementAndGet();
    }

    @Override
    public void webhookDelivered() {
        webhooksDelivered.incrementAndGet();
    }

    @Override
    public void webhookRetried() {
        webhookRetries.incrementAndGet();
    }

    @Override
    public void webhookDropped(WebhookDrop why) {
        webhooksDropped.get(why).incrementAndGet();
    }

    public long webhooksDelivered() {
        return webhooksDelivered.get();
    }

    public long webhookRetries() {
        return webhookRetries.get();
    }

    public long webhooksDropped(WebhookDrop why) {
        return webhooksDropped.get(why).get();
    }

    public long accepted() {
        return accepted.get();
    }

    public long refused(Reason reason) {
        return refused.get(reason).get();
    }

    public long rateLimitedCount(Limited what) {
        return rateLimited.get(what).get();
    }

    public long storeAppends() {
        return storeAppends.get();
    }

    public long storeErrors() {
        return storeErrors.get();
    }

    public long gapFills() {
        return gapFills.get();
    }

    public long forwarded() {
        return forwarded.get();
    }

    public long framesWritten() {
        return frames.get();
    }

    public long deliveriesWritten() {
        return deliveries.get();
    }

    public long slowConsumersClosed() {
        return slowClosed.get();
    }

    public long busReceived() {
        return busReceived.get();
    }

    public long busErrors() {
        return busErrors.get();
    }

    public long bcryptStarted() {
        return bcryptStarted.get();
    }
}
