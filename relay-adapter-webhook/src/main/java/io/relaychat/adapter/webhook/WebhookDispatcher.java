package io.relaychat.adapter.webhook;

import io.relaychat.adapter.webhook.HttpAttempts.Result;
import io.relaychat.adapter.webhook.HttpAttempts.Verdict;
import io.relaychat.ports.out.RelayMetrics;
import io.relaychat.ports.out.RelayMetrics.WebhookDrop;
import io.relaychat.ports.out.RoomActivity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Outgoing webhooks: takes room activity from the core and gets each event to the receiver at least once, in order
 * per room, retried with back-off for a bounded time, from a bounded queue.
 * <p>
 * The core's threads only hand an event over (a count, a lock-free queue, at most one wake-up of this dispatcher's
 * thread), so that a receiver slow or away never delays a chat delivery. Everything else happens on the dispatcher's
 * one thread, which owns the per-room queues, and on the HTTP client's threads. What the receiver does not get is
 * counted ({@link RelayMetrics#webhookDropped}) and logged a few lines at most ({@link DropReport}).
 */
public final class WebhookDispatcher implements RoomActivity, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
    /** How often the given-up events are reported, and the longest a receiver failing is silent in the log. */
    static final Duration REPORT_INTERVAL = Duration.ofSeconds(10);
    private static final int HTTP_THREADS = 2;

    private final WebhookSettings settings;
    private final RelayMetrics metrics;
    private final DropReport drops;
    private final Backoff backoff;
    private final String receiver;
    private final String queueFull;
    /** One thread: the per-room queues and the count of requests out are its alone. */
    private final ScheduledThreadPoolExecutor loop;
    private final ExecutorService httpThreads;
    private final HttpAttempts attempts;

    private final ConcurrentLinkedQueue<Event> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean inboxTaskQueued = new AtomicBoolean();
    /** Events taken and not yet done with (delivered or given up): in the inbox, queued, or out. */
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean accepting = true;

    // The dispatcher thread's alone.
    private final RoomQueues<Pending> queues = new RoomQueues<>();
    private int inFlight;
    private CompletableFuture<Void> drained;
    /** A failure was logged and no success since: the next success says the receiver is back. */
    private boolean failureLogged;
    private long failureLoggedAt;

    /** An event on its way: its body is written once, and signed anew for each try. */
    private static final class Pending {
        final String room;
        final String name;
        final String id;
        final byte[] body;
        int tries;
        long firstTriedAt;

        Pending(String room, String name, String id, byte[] body) {
            this.room = room;
            this.name = name;
            this.id = id;
            this.body = body;
        }
    }

    private WebhookDispatcher(WebhookSettings settings, RelayMetrics metrics, Clock clock) {
        this.settings = settings;
        this.metrics = metrics;
        this.drops = new DropReport(metrics);
        this.backoff = new Backoff(settings.firstRetryDelay(), settings.maxRetryDelay());
        this.receiver = settings.describeUrl();
        this.queueFull = "the queue of " + settings.queueCapacity() + " was full";
        this.loop = new ScheduledThreadPoolExecutor(1, daemon("relay-webhook"));
        this.loop.setRemoveOnCancelPolicy(true);
        this.httpThreads = Executors.newFixedThreadPool(HTTP_THREADS, daemon("relay-webhook-http"));
        this.attempts = new HttpAttempts(settings, httpThreads, clock);
        long every = REPORT_INTERVAL.toMillis();
        loop.scheduleWithFixedDelay(() -> drops.report(log, receiver), every, every, TimeUnit.MILLISECONDS);
    }

    public static WebhookDispatcher start(WebhookSettings settings, RelayMetrics metrics) {
        return new WebhookDispatcher(settings, metrics, Clock.systemUTC());
    }

    /** The hand-off: never blocks, never throws; an event past the queue's bound is counted and dropped. */
    @Override
    public void happened(Event event) {
        if (!accepting) {
            drops.dropped(WebhookDrop.SHUTDOWN, "the node is stopping");
            return;
        }
        if (pending.incrementAndGet() > settings.queueCapacity()) {
            pending.decrementAndGet();
            drops.dropped(WebhookDrop.QUEUE_FULL, queueFull);
            return;
        }
        inbox.offer(event);
        if (inboxTaskQueued.compareAndSet(false, true)) {
            onLoop(this::takeInbox);
        }
    }

    /** Events taken and not yet delivered or given up; at most the queue's capacity. */
    public int queued() {
        return pending.get();
    }

    /** For the start-up line: where events go, never the secret or the URL's query. */
    public String describe() {
        return "webhooks: POST to " + receiver + ", signed; a queue of " + settings.queueCapacity()
                + ", each event retried for up to " + settings.maxRetryTime().toSeconds() + " s";
    }

    private void takeInbox() {
        inboxTaskQueued.set(false); // before reading: an event offered from now on queues another take
        Event event;
        while ((event = inbox.poll()) != null) {
            String id = UUID.randomUUID().toString();
            String room = event.roomId().value();
            queues.add(room, new Pending(room, EventBody.name(event), id, EventBody.encode(event, id)));
        }
        sendWhatIsReady();
    }

    private void sendWhatIsReady() {
        while (inFlight < settings.maxInFlight()) {
            Pending next = queues.next();
            if (next == null) {
                return;
            }
            attempt(next);
        }
    }

    private void attempt(Pending event) {
        if (event.tries++ == 0) {
            event.firstTriedAt = System.nanoTime();
        }
        inFlight++;
        attempts.send(event.name, event.id, event.body).whenComplete((result, error) -> onLoop(() ->
                answered(event, result != null ? result : new Result(Verdict.RETRY, String.valueOf(error)))));
    }

    private void answered(Pending event, Result result) {
        inFlight--;
        switch (result.verdict()) {
            case DELIVERED -> {
                metrics.webhookDelivered();
                receiverBack();
                doneWith(event);
            }
            case REFUSED -> {
                drops.dropped(WebhookDrop.REFUSED, result.detail());
                doneWith(event);
            }
            case RETRY -> retryOrGiveUp(event, result.detail());
        }
        sendWhatIsReady();
    }

    /** Tried again after its back-off, unless that would take it past the time its retries are given. */
    private void retryOrGiveUp(Pending event, String detail) {
        receiverFailing(detail);
        Duration delay = backoff.delayBefore(event.tries, ThreadLocalRandom.current().nextDouble());
        long triedFor = System.nanoTime() - event.firstTriedAt;
        if (triedFor + delay.toNanos() > settings.maxRetryTime().toNanos()) {
            drops.dropped(WebhookDrop.RETRIES_EXHAUSTED, detail);
            doneWith(event);
            return;
        }
        metrics.webhookRetried();
        loop.schedule(() -> {
            queues.release(event.room);
            sendWhatIsReady();
        }, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void doneWith(Pending event) {
        queues.done(event.room);
        if (pending.decrementAndGet() == 0 && drained != null) {
            drained.complete(null);
        }
    }

    /** At most a warning and a "back" line each {@link #REPORT_INTERVAL}, however the rooms fail and succeed. */
    private void receiverFailing(String detail) {
        long now = System.nanoTime();
        if (failureLoggedAt == 0 || now - failureLoggedAt > REPORT_INTERVAL.toNanos()) {
            log.warn("webhooks: {} did not take an event ({}); retrying with back-off", receiver, detail);
            failureLoggedAt = now;
            failureLogged = true;
        }
    }

    private void receiverBack() {
        if (failureLogged) {
            failureLogged = false;
            log.info("webhooks: {} takes events again", receiver);
        }
    }

    /** After {@link #close}, a task has nowhere to run: what it was about is counted by the close. */
    private void onLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException stopped) {
            // counted as left at shutdown
        }
    }

    /**
     * Stops taking events (later ones are counted as dropped at shutdown) and gives the pending ones up to
     * {@code within} to be delivered, retries and back-off as usual; what is left then is counted and logged.
     */
    public void close(Duration within) {
        if (closed.getAndSet(true)) {
            return;
        }
        accepting = false;
        CompletableFuture<Void> empty = new CompletableFuture<>();
        onLoop(() -> {
            drained = empty;
            takeInbox();
            if (pending.get() == 0) {
                empty.complete(null);
            }
        });
        try {
            empty.get(Math.max(0, within.toNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // what is left is counted below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loop.shutdownNow();
        httpThreads.shutdownNow();
        try {
            loop.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        drops.report(log, receiver);
        int left = pending.getAndSet(0);
        if (left > 0) {
            drops.dropped(WebhookDrop.SHUTDOWN, left, "the node stopped");
            log.warn("webhooks: {} events not delivered to {} within the {} ms shutdown allowed them; dropped", left,
                    receiver, within.toMillis());
        }
    }

    /** Gives pending events no time: {@link #close(Duration)} is the drain. */
    @Override
    public void close() {
        close(Duration.ZERO);
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
