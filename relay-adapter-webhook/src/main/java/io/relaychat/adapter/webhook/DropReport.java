package io.relaychat.adapter.webhook;

import io.relaychat.ports.out.RelayMetrics;
import io.relaychat.ports.out.RelayMetrics.WebhookDrop;
import org.slf4j.Logger;

import java.util.EnumMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the events given up, by why, at once into the metrics, and says so in the log at most once a report: a
 * receiver away for an hour costs a line every few seconds, not one per event. Counting is a few atomic adds, so
 * the chat's own threads may drop an event (the queue full) without logging or waiting; the log line is written by
 * whoever calls {@link #report}, the dispatcher's thread.
 */
final class DropReport {
    private final RelayMetrics metrics;
    private final Map<WebhookDrop, AtomicLong> unreported = new EnumMap<>(WebhookDrop.class);
    private final Map<WebhookDrop, AtomicLong> total = new EnumMap<>(WebhookDrop.class);
    /** What the last given-up event met, for the log line: a status, "timed out"... */
    private volatile String lastDetail = "";

    DropReport(RelayMetrics metrics) {
        this.metrics = metrics;
        for (WebhookDrop why : WebhookDrop.values()) {
            unreported.put(why, new AtomicLong());
            total.put(why, new AtomicLong());
        }
    }

    void dropped(WebhookDrop why, String detail) {
        dropped(why, 1, detail);
    }

    void dropped(WebhookDrop why, long count, String detail) {
        if (count <= 0) {
            return;
        }
        unreported.get(why).addAndGet(count);
        total.get(why).addAndGet(count);
        for (long i = 0; i < count; i++) {
            metrics.webhookDropped(why);
        }
        if (detail != null) {
            lastDetail = detail;
        }
    }

    long total(WebhookDrop why) {
        return total.get(why).get();
    }

    /** One warning for everything given up since the last, if anything was. */
    void report(Logger log, String receiver) {
        StringJoiner counts = new StringJoiner(", ");
        long sum = 0;
        for (WebhookDrop why : WebhookDrop.values()) {
            long count = unreported.get(why).getAndSet(0);
            if (count > 0) {
                counts.add(why.tag() + "=" + count);
                sum += count;
            }
        }
        if (sum > 0) {
            log.warn("webhooks: {} events to {} given up ({}); last: {}", sum, receiver, counts, lastDetail);
        }
    }
}
