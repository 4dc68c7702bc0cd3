package io.relaychat.domain;

import io.relaychat.ports.in.HealthUseCase.DependencyState;
import io.relaychat.ports.in.HealthUseCase.Readiness;
import io.relaychat.ports.model.Failures;
import io.relaychat.ports.out.DependencyProbe;
import io.relaychat.ports.out.Scheduler;
import io.relaychat.ports.out.TimeSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether this node should be sent traffic: pings every dependency at once, waits for each at most the probe
 * timeout, and keeps the answer briefly, so that a storm of readiness checks costs one ping per dependency.
 * Checks that arrive while a round is out share it. Never blocks: the wait is a timer on the {@link Scheduler}.
 */
final class ReadinessProbes {
    /** Longest error text passed on: the answer is for a load balancer and an operator, not for a stack trace. */
    static final int MAX_ERROR_CHARS = 200;

    private final Map<String, DependencyProbe> probes;
    private final ReadinessBounds bounds;
    private final Scheduler scheduler;
    private final TimeSource time;
    private final AtomicReference<Round> latest = new AtomicReference<>();

    /** {@code probes} by the name readiness reports them under, in the order reported. */
    ReadinessProbes(Map<String, DependencyProbe> probes, ReadinessBounds bounds, Scheduler scheduler, TimeSource time) {
        this.probes = new LinkedHashMap<>(probes);
        this.bounds = bounds;
        this.scheduler = scheduler;
        this.time = time;
    }

    CompletionStage<Readiness> check() {
        Round current = latest.get();
        if (current != null && current.answers(time.nanoTime(), bounds.keepAnswer())) {
            return current.answer;
        }
        Round fresh = new Round();
        if (!latest.compareAndSet(current, fresh)) {
            return latest.get().answer; // another check started a round just now: share it
        }
        run(fresh);
        return fresh.answer;
    }

    private void run(Round round) {
        List<String> names = new ArrayList<>(probes.keySet());
        List<CompletableFuture<DependencyState>> states = new ArrayList<>();
        for (DependencyProbe probe : probes.values()) {
            states.add(ping(probe));
        }
        CompletableFuture.allOf(states.toArray(CompletableFuture[]::new)).thenRun(() -> {
            Map<String, DependencyState> byName = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                byName.put(names.get(i), states.get(i).join());
            }
            round.answered(time.nanoTime(), new Readiness(byName));
        });
    }

    private CompletableFuture<DependencyState> ping(DependencyProbe probe) {
        long start = time.nanoTime();
        CompletableFuture<DependencyState> state = new CompletableFuture<>();
        CompletionStage<Void> answer;
        try {
            answer = probe.ping();
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((ok, error) -> {
            Duration latency = Duration.ofNanos(time.nanoTime() - start);
            state.complete(error == null ? DependencyState.up(latency)
                    : DependencyState.down(latency, describe(error)));
        });
        Duration timeout = bounds.probeTimeout();
        if (!state.isDone() && !timeout.isZero()) {
            scheduler.schedule(timeout, () -> state.complete(
                    DependencyState.down(timeout, "no answer within " + timeout.toMillis() + " ms")));
        }
        return state;
    }

    /** The probe's own words (its contract keeps them free of addresses and credentials), cut short. */
    static String describe(Throwable error) {
        Throwable cause = Failures.cause(error);
        String text = cause.getMessage();
        if (text == null || text.isBlank()) {
            text = cause.getClass().getSimpleName();
        }
        return text.length() > MAX_ERROR_CHARS ? text.substring(0, MAX_ERROR_CHARS) : text;
    }

    /** One round of pings: its answer, once every probe answered or timed out, and when that was. */
    private static final class Round {
        final CompletableFuture<Readiness> answer = new CompletableFuture<>();
        private volatile long answeredAt;

        void answered(long nanoTime, Readiness readiness) {
            answeredAt = nanoTime; // before completing: a check that sees the answer sees its time
            answer.complete(readiness);
        }

        /** Still out (checks share it), or answered within {@code keep}. */
        boolean answers(long nanoTime, Duration keep) {
            return !answer.isDone() || nanoTime - answeredAt < keep.toNanos();
        }
    }
}
