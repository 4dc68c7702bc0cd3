package io.relaychat.ports.out;

import io.relaychat.ports.model.Reason;

import java.util.Locale;

/**
 * Where the core and the adapters report what an operator measures: messages accepted and refused, deliveries and
 * their latency, store, bus and bcrypt timings, the requests refused for their rate. Every method is a no-op by
 * default, and {@link #NONE} implements none of them, so a node without metrics pays a call that does nothing.
 * <p>
 * Called on hot paths (every message, every delivery) from any thread: an implementation must not block, lock or
 * allocate per call. What the server can read when it is scraped (open connections, joined rooms, the bcrypt queue)
 * is not reported here but read from the parts that know it.
 */
public interface RelayMetrics {
    /** Reports nothing; {@link #timestamp()} answers 0, which tells the reporters that nothing is timed. */
    RelayMetrics NONE = new RelayMetrics() {
    };

    /** What a rate limit refused; its {@link #tag()} is the value of the {@code what} label. */
    enum Limited {
        SEND, TYPING, JOIN, LOGIN, REGISTRATION, SEARCH, ROOM_CREATION, UPLOAD;

        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Now, on the implementation's monotonic clock in nanoseconds, to hand back to a method taking a start; 0 when
     * nothing is measured, so that a caller can skip what it would do only to time something.
     */
    default long timestamp() {
        return 0;
    }

    /** A send was stored (or found stored, a client's retry) and acknowledged. */
    default void messageAccepted() {
    }

    /** A send was refused with {@code reason}: too long, too fast, not a member... */
    default void messageRefused(Reason reason) {
    }

    /** A request of kind {@code what} was refused for its rate. */
    default void rateLimited(Limited what) {
    }

    /** A message store append that started at {@code startedAt} ({@link #timestamp()}) ended, failed or not. */
    default void storeAppended(long startedAt, boolean failed) {
    }

    /** A gap in a room's seqs waited its time and was read from the store. */
    default void gapFilled() {
    }

    /** A send was handed to the node that stores its room. */
    default void sendForwarded() {
    }

    /** A server event frame was handed to a WebSocket's socket. */
    default void frameWritten() {
    }

    /** A live message taken in by the core at {@code acceptedAt} ({@link #timestamp()}) was written to one socket. */
    default void deliveryWritten(long acceptedAt) {
    }

    /** A WebSocket was closed for reading slower than its rooms talk. */
    default void slowConsumerClosed() {
    }

    /** A message published by another node at {@code publishedAtMillis} (its wall clock) was received here. */
    default void busReceived(long publishedAtMillis) {
    }

    /** A publication or subscription failed, or an envelope could not be read. */
    default void busError() {
    }

    /** A password hash queued at {@code queuedAt} ({@link #timestamp()}) started on a bcrypt thread. */
    default void bcryptStarted(long queuedAt) {
    }

    /** Why an outgoing webhook event was given up; its {@link #tag()} is the value of the {@code why} label. */
    enum WebhookDrop {
        /** The bounded queue was full when the event happened. */
        QUEUE_FULL,
        /** The receiver answered a 4xx other than 408 and 429: trying again would get the same. */
        REFUSED,
        /** The receiver did not take it within the time retries are given. */
        RETRIES_EXHAUSTED,
        /** Still queued when the node's shutdown drain ran out, or happened after the drain began. */
        SHUTDOWN;

        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A webhook event was answered 2xx by its receiver. */
    default void webhookDelivered() {
    }

    /** An attempt to deliver a webhook event failed, and it will be tried again after a back-off. */
    default void webhookRetried() {
    }

    /** A webhook event was given up, for {@code why}. */
    default void webhookDropped(WebhookDrop why) {
    }
}
