package io.relaychat.domain;

import io.relaychat.adapter.local.InMemoryMessageStore;
import io.relaychat.adapter.local.InMemoryPresence;
import io.relaychat.adapter.local.InMemoryRoomStore;
import io.relaychat.adapter.local.InMemoryUserStore;
import io.relaychat.adapter.local.InProcessEventBus;
import io.relaychat.ports.in.HealthUseCase.DependencyState;
import io.relaychat.ports.in.HealthUseCase.Readiness;
import io.relaychat.ports.model.StorageUnavailableException;
import io.relaychat.ports.out.DependencyProbe;
import io.relaychat.ports.out.Scheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static io.relaychat.testkit.Await.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Readiness as the core answers it: every dependency pinged at once, each waited for at most the bound, the
 * answer kept briefly. Time is the test's: the clock moves and timers fire only when the test says.
 */
class ReadinessRulesTest {
    private final TestClock clock = new TestClock();
    private final Timers timers = new Timers();
    private final Probe store = new Probe();
    private final Probe bus = new Probe();

    @Test
    void givenBothDependenciesAnswer_thenTheNodeIsReadyWithHowLongEachTook() {
        RelayCore core = core(ReadinessBounds.defaults());

        CompletionStage<Readiness> check = core.health().readiness();
        assertEquals(1, store.pings, "the store is pinged at once");
        assertEquals(1, bus.pings, "the bus is pinged at once, not after the store");
        clock.advance(Duration.ofMillis(3));
        store.answer();
        clock.advance(Duration.ofMillis(4));
        assertFalse(check.toCompletableFuture().isDone(), "ready only once every dependency answered");
        bus.answer();

        Readiness readiness = result(check);
        assertTrue(readiness.ready());
        assertEquals(List.of("store", "bus"), List.copyOf(readiness.dependencies().keySet()));
        assertEquals(DependencyState.up(Duration.ofMillis(3)), readiness.dependencies().get("store"));
        assertEquals(DependencyState.up(Duration.ofMillis(7)), readiness.dependencies().get("bus"));
    }

    @Test
    void givenTheBusFails_thenTheNodeIsNotReadyAndSaysWhy() {
        RelayCore core = core(ReadinessBounds.defaults());

        CompletionStage<Readiness> check = core.health().readiness();
        store.answer();
        bus.fail(new IllegalStateException("Redis did not answer a ping (RedisException)"));

        Readiness readiness = result(check);
        assertFalse(readiness.ready());
        assertTrue(readiness.dependencies().get("store").up());
        assertEquals(DependencyState.down(Duration.ZERO, "Redis did not answer a ping (RedisException)"),
                readiness.dependencies().get("bus"));
    }

    @Test
    void givenTheStoreHangs_thenItCountsAsDownOnceTheProbeTimeoutPasses() {
        RelayCore core = core(new ReadinessBounds(Duration.ofSeconds(2), Duration.ofSeconds(1)));

        CompletionStage<Readiness> check = core.health().readiness();
        bus.answer();
        assertFalse(check.toCompletableFuture().isDone(), "still waiting for the store");
        assertEquals(List.of(Duration.ofSeconds(2), Duration.ofSeconds(2)), timers.delays, "one timer per probe");
        clock.advance(Duration.ofSeconds(2));
        timers.fireAll();

        Readiness readiness = result(check);
        assertFalse(readiness.ready());
        assertEquals(DependencyState.down(Duration.ofSeconds(2), "no answer within 2000 ms"),
                readiness.dependencies().get("store"));
        store.answer(); // too late: the answer given stands
        assertFalse(result(check).ready());
    }

    @Test
    void givenAProbeThrowsInsteadOfFailing_thenThatDependencyIsDown() {
        DependencyProbe broken = () -> {
            throw new StorageUnavailableException("MongoDB did not answer a ping (MongoTimeoutException)");
        };
        RelayCore core = coreWith(broken, bus, ReadinessBounds.defaults());

        CompletionStage<Readiness> check = core.health().readiness();
        bus.answer();

        DependencyState state = result(check).dependencies().get("store");
        assertFalse(state.up());
        assertEquals("MongoDB did not answer a ping (MongoTimeoutException)", state.error());
    }

    @Test
    void givenManyChecksAtOnceAndWithinASecond_thenEachDependencyIsPingedOnce() {
        RelayCore core = core(new ReadinessBounds(Duration.ofSeconds(2), Duration.ofSeconds(1)));

        CompletionStage<Readiness> first = core.health().readiness();
        for (int i = 0; i < 100; i++) {
            assertSame(first, core.health().readiness(), "checks while the pings are out share them");
        }
        store.answer();
        bus.answer();
        clock.advance(Duration.ofMillis(999));
        assertSame(first, core.health().readiness(), "the answer is kept for a second");
        assertEquals(1, store.pings);
        assertEquals(1, bus.pings);

        clock.advance(Duration.ofMillis(1));
        CompletionStage<Readiness> later = core.health().readiness();
        assertEquals(2, store.pings, "a second on, the store is asked again");
        assertEquals(2, bus.pings);
        assertFalse(later.toCompletableFuture().isDone());
    }

    @Test
    void givenKeepingTheAnswerIsOff_thenEveryCheckAfterAnAnswerPingsAgain() {
        RelayCore core = core(new ReadinessBounds(Duration.ofSeconds(2), Duration.ZERO));

        core.health().readiness();
        store.answer();
        bus.answer();
        core.health().readiness();

        assertEquals(2, store.pings);
        assertEquals(2, bus.pings);
    }

    @Test
    void givenNoProbes_thenTheCoreIsReadyAndNamesNoDependency() {
        RelayCore core = coreWith(null, null, ReadinessBounds.defaults());

        Readiness readiness = result(core.health().readiness());

        assertTrue(readiness.ready());
        assertTrue(readiness.dependencies().isEmpty());
    }

    @Test
    void givenAVeryLongError_thenItIsCutShort() {
        String error = "x".repeat(1000);
        RelayCore core = core(ReadinessBounds.defaults());

        CompletionStage<Readiness> check = core.health().readiness();
        store.fail(new StorageUnavailableException(error));
        bus.answer();

        assertEquals(ReadinessProbes.MAX_ERROR_CHARS, result(check).dependencies().get("store").error().length());
    }

    private RelayCore core(ReadinessBounds bounds) {
        return coreWith(store, bus, bounds);
    }

    private RelayCore coreWith(DependencyProbe storeProbe, DependencyProbe busProbe, ReadinessBounds bounds) {
        TestDoubles.Tokens tokens = new TestDoubles.Tokens();
        return RelayCore.builder()
                .userStore(new InMemoryUserStore()).roomStore(new InMemoryRoomStore())
                .messageStore(new InMemoryMessageStore()).blobStore(new TestDoubles.MemoryBlobs())
                .eventBus(InProcessEventBus.standalone()).presence(new InMemoryPresence()).scheduler(timers)
                .passwordHasher(new TestDoubles.QuickHasher()).tokens(tokens, tokens)
                .timeSource(clock)
                .probes(storeProbe, busProbe)
                .readinessBounds(bounds)
                .build();
    }

    /** A dependency that answers when the test says: each ping is one pending answer. */
    private static final class Probe implements DependencyProbe {
        int pings;
        private CompletableFuture<Void> pending;

        @Override
        public CompletionStage<Void> ping() {
            pings++;
            pending = new CompletableFuture<>();
            return pending;
        }

        void answer() {
            pending.complete(null);
        }

        void fail(Throwable error) {
            pending.completeExceptionally(error);
        }
    }

    /** Timers that fire only when the test fires them. */
    private static final class Timers implements Scheduler {
        final List<Duration> delays = new ArrayList<>();
        private final List<Runnable> tasks = new ArrayList<>();

        @Override
        public void schedule(Duration delay, Runnable task) {
            delays.add(delay);
            tasks.add(task);
        }

        void fireAll() {
            List<Runnable> due = new ArrayList<>(tasks);
            tasks.clear();
            due.forEach(Runnable::run);
        }
    }
}
