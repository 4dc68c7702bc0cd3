package io.relaychat.adapter.netty;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One event loop's sweep for silent WebSockets: a silent one is pinged once after its interval and closed after
 * twice that, one that is heard from starts over, a closed one is left alone and dropped, and the sweep's timer
 * stops when it has nothing left to watch.
 */
class IdlePingsTest {
    private static final Duration TICK = Duration.ofSeconds(1);
    /** Its event loop stands in for a transport's, with a clock the test moves. */
    private final EmbeddedChannel loop = new EmbeddedChannel();
    private final IdlePings pings = new IdlePings(loop.eventLoop(), TICK);
    private final List<String> done = new ArrayList<>();

    @AfterEach
    void release() {
        loop.finishAndReleaseAll();
    }

    private IdlePings.Silent recording(String name) {
        return new IdlePings.Silent() {
            @Override
            public void ping() {
                done.add("ping " + name);
            }

            @Override
            public void closeIdle() {
                done.add("close " + name);
            }
        };
    }

    private void after(long seconds) {
        for (long s = 0; s < seconds; s++) {
            loop.advanceTimeBy(1, TimeUnit.SECONDS);
            loop.runScheduledPendingTasks();
        }
    }

    @Test
    void aSilentWebSocketIsPingedOnceAfterItsIntervalAndClosedAfterTwiceThat() {
        pings.watch(recording("ann"), Duration.ofSeconds(10));

        after(9);
        assertEquals(List.of(), done);
        after(1);
        assertEquals(List.of("ping ann"), done, "one ping, at the interval");
        after(9);
        assertEquals(List.of("ping ann"), done, "not pinged again in the same silence");
        after(1);
        assertEquals(List.of("ping ann", "close ann"), done);
        after(30);
        assertEquals(List.of("ping ann", "close ann"), done, "closed once");
    }

    @Test
    void aWebSocketHeardFromStartsItsSilenceOverAtTheNextSweepAndIsPingedAgainOnlyAfterAWholeInterval() {
        IdlePings.Watch ann = pings.watch(recording("ann"), Duration.ofSeconds(10));
        after(10);
        assertEquals(List.of("ping ann"), done);

        after(2);
        ann.heard(); // the answer to the ping, read before the sweep at 13 s: silent from then on
        after(10);
        assertEquals(List.of("ping ann"), done, "the answer bought a whole interval, not the rest of the old one");
        after(1);
        assertEquals(List.of("ping ann", "ping ann"), done);
        ann.heard();
        after(16);
        assertEquals(List.of("ping ann", "ping ann", "ping ann"), done, "pinged, never closed, while it answers");
    }

    @Test
    void aWebSocketHeardFromWhileTheSweepWasLateIsNotClosedForTheDelay() {
        IdlePings.Watch ann = pings.watch(recording("ann"), Duration.ofSeconds(10));
        after(10);
        assertEquals(List.of("ping ann"), done);

        loop.advanceTimeBy(30, TimeUnit.SECONDS); // the loop was busy: no sweep for 30 s, and then a frame
        ann.heard();
        loop.runScheduledPendingTasks();
        assertEquals(List.of("ping ann"), done, "heard before that sweep: neither pinged nor closed by it");
        after(9);
        assertEquals(List.of("ping ann"), done);
        after(1);
        assertEquals(List.of("ping ann", "ping ann"), done);
    }

    @Test
    void webSocketsWithTheirOwnIntervalsArePingedEachAtItsOwnTimeByOneTimer() {
        pings.watch(recording("ann"), Duration.ofSeconds(5));
        pings.watch(recording("bob"), Duration.ofSeconds(8));

        after(5);
        assertEquals(List.of("ping ann"), done);
        after(3);
        assertEquals(List.of("ping ann", "ping bob"), done);
        after(2);
        assertEquals(List.of("ping ann", "ping bob", "close ann"), done);
    }

    @Test
    void aClosedWebSocketIsNeitherPingedNorClosedAndLeavesTheSweep() {
        IdlePings.Watch ann = pings.watch(recording("ann"), Duration.ofSeconds(5));
        pings.watch(recording("bob"), Duration.ofSeconds(5));
        ann.cancel();

        after(1);
        assertEquals(1, pings.watching(), "dropped at the next sweep");
        after(10);
        assertEquals(List.of("ping bob", "close bob"), done);
    }

    @Test
    void theTimerStopsWithNothingToWatchAndStartsAgainWithTheNextWebSocket() {
        pings.watch(recording("ann"), Duration.ofSeconds(2)).cancel();
        after(2);
        assertEquals(0, pings.watching());
        assertEquals(-1, loop.runScheduledPendingTasks(), "no sweep left on the loop");

        after(100); // a quiet spell: the next WebSocket's silence starts when it is watched, not at the last sweep
        pings.watch(recording("bob"), Duration.ofSeconds(3));
        after(2);
        assertEquals(List.of(), done);
        after(1);
        assertEquals(List.of("ping bob"), done);
    }

    @Test
    void aPingThatFailsDoesNotStopTheSweepForTheOthers() {
        pings.watch(new IdlePings.Silent() {
            @Override
            public void ping() {
                throw new IllegalStateException("broken");
            }

            @Override
            public void closeIdle() {
            }
        }, Duration.ofSeconds(2));
        pings.watch(recording("bob"), Duration.ofSeconds(2));

        after(2);
        assertEquals(List.of("ping bob"), done);
    }

    @Test
    void theTickIsAHundredAndTwentiethOfTheTimeoutBetweenTenMillisecondsAndASecond() {
        assertEquals(Duration.ofSeconds(1), IdlePings.tickOf(Duration.ofSeconds(120)));
        assertEquals(Duration.ofSeconds(1), IdlePings.tickOf(Duration.ofHours(1)));
        assertEquals(Duration.ofMillis(250), IdlePings.tickOf(Duration.ofSeconds(30)));
        assertEquals(Duration.ofMillis(10), IdlePings.tickOf(Duration.ofMillis(500)));
    }
}
