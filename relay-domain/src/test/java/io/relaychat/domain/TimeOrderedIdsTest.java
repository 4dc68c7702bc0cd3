package io.relaychat.domain;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Message ids: UUIDs of version 7, unique from many threads at once, and sorting by the millisecond they were made. */
class TimeOrderedIdsTest {
    private final TimeOrderedIds ids = new TimeOrderedIds();

    @Test
    void anIdIsAVersion7UuidCarryingTheMillisecondItWasMadeIn() {
        long before = System.currentTimeMillis();
        UUID id = UUID.fromString(ids.newId());
        long after = System.currentTimeMillis();

        assertEquals(7, id.version());
        assertEquals(2, id.variant(), "the RFC's variant");
        long millis = id.getMostSignificantBits() >>> 16;
        assertTrue(millis >= before && millis <= after, millis + " within " + before + ".." + after);
    }

    @Test
    void idsMadeOnManyThreadsAtOnceAreAllDistinct() throws InterruptedException {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        List<Thread> threads = new ArrayList<>();
        int each = 50_000;
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    seen.add(ids.newId());
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }

        assertEquals(4 * each, seen.size(), "no id made twice");
    }

    @Test
    void anIdMadeInALaterMillisecondSortsAfterEveryEarlierOneAsText() throws InterruptedException {
        List<String> earlier = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            earlier.add(ids.newId());
        }
        Thread.sleep(2); // a later millisecond
        String later = ids.newId();

        assertTrue(earlier.stream().allMatch(id -> id.compareTo(later) < 0),
                "a store's index on the id takes new messages at its end");
        assertEquals(1000, new HashSet<>(earlier).size());
    }
}
