package io.relaychat.ports.model;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class BroadcastTest {
    @Test
    void aBroadcastIsEncodedOnceHoweverManyRecipientsOnHoweverManyThreads() throws Exception {
        Broadcast broadcast = new Broadcast(new ServerEvent.SystemNotice("hello"));
        AtomicInteger encodings = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> recipients = new ArrayList<>();
        List<Object> results = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 8; i++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                results.add(broadcast.encoded(event -> {
                    encodings.incrementAndGet();
                    return new byte[] {1};
                }));
            });
            thread.start();
            recipients.add(thread);
        }

        start.countDown();
        for (Thread thread : recipients) {
            thread.join();
        }

        assertEquals(1, encodings.get());
        assertEquals(8, results.size());
        results.forEach(result -> assertSame(results.get(0), result));
    }
}
