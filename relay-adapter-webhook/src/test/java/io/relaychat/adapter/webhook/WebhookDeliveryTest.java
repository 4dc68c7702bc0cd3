package io.relaychat.adapter.webhook;

import io.relaychat.ports.out.RelayMetrics.WebhookDrop;
import io.relaychat.ports.out.RoomActivity.Event;
import io.relaychat.ports.out.RoomActivity.MessagePosted;
import io.relaychat.testkit.Await;
import io.relaychat.testkit.IntegrationTest;
import io.relaychat.testkit.RecordingMetrics;
import io.relaychat.testkit.WebhookReceiver;
import io.relaychat.testkit.WebhookReceiver.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static io.relaychat.adapter.webhook.WebhookSettingsTest.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dispatcher against a real HTTP receiver on loopback: healthy, failing then back, refusing, hanging for one room
 * or for all, and at shutdown.
 */
@IntegrationTest
class WebhookDeliveryTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration HANG_TIMEOUT = Duration.ofMillis(300);

    private final RecordingMetrics metrics = new RecordingMetrics();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
    }

    private WebhookReceiver receiver(WebhookReceiver receiver) {
        toClose.add(0, receiver);
        return receiver;
    }

    /**
     * Quick retries: what a test can wait for. A receiver that hangs is timed out in {@link #HANG_TIMEOUT}; every
     * other test gets timeouts a busy machine never reaches, so each retry it counts follows an answer it chose.
     */
    private WebhookDispatcher dispatcher(WebhookReceiver receiver, Duration maxRetryTime, int capacity,
                                         Duration requestTimeout) {
        WebhookSettings settings = WebhookSettings.of(receiver.url(), SECRET)
                .withQueueCapacity(capacity)
                .withMaxRetryTime(maxRetryTime)
                .withTimeouts(Duration.ofSeconds(5), requestTimeout)
                .withRetryDelays(Duration.ofMillis(20), Duration.ofMillis(100));
        WebhookDispatcher dispatcher = WebhookDispatcher.start(settings, metrics);
        toClose.add(0, dispatcher);
        return dispatcher;
    }

    private WebhookDispatcher dispatcher(WebhookReceiver receiver) {
        return dispatcher(receiver, Duration.ofSeconds(30), 1_000, Duration.ofSeconds(10));
    }

    /** Each room's life: created, a member added, {@code messages} messages, the member gone; rooms interleaved. */
    private static List<Event> activityOf(List<String> rooms, int messages) {
        List<Event> events = new ArrayList<>();
        rooms.forEach(room -> events.add(Events.roomCreated(room)));
        rooms.forEach(room -> events.add(Events.memberAdded(room)));
        for (int seq = 1; seq <= messages; seq++) {
            for (String room : rooms) {
                events.add(Events.message(room, seq, "message " + seq));
            }
        }
        rooms.forEach(room -> events.add(Events.memberRemoved(room)));
        return events;
    }

    /** What a room's receiver should see, in order: each event's name, and a message's seq. */
    private static List<String> expected(List<Event> events, String room) {
        return events.stream().filter(event -> event.roomId().value().equals(room))
                .map(event -> EventBody.name(event)
                        + (event instanceof MessagePosted posted ? " " + posted.message().seq() : ""))
                .toList();
    }

    private static List<String> seen(List<Request> requests, String room) {
        return requests.stream().filter(request -> request.roomId().equals(room))
                .map(request -> request.event() + (request.event().equals("message_posted")
                        ? " " + request.json().path("data").path("message").path("seq").asLong() : "")).toList();
    }

    private static Set<String> distinctIds(List<Request> requests) {
        Set<String> ids = new LinkedHashSet<>();
        requests.forEach(request -> ids.add(request.eventId()));
        return ids;
    }

    @Test
    void givenAHealthyReceiver_everyEventArrivesOnceSignedAndEachRoomInOrder() throws Exception {
        WebhookReceiver receiver = receiver(WebhookReceiver.ok());
        WebhookDispatcher dispatcher = dispatcher(receiver);
        List<String> rooms = List.of("room-a", "room-b", "room-c");
        List<Event> events = activityOf(rooms, 20);

        events.forEach(dispatcher::happened);
        Await.until("every event taken", WAIT, () -> receiver.taken().size() == events.size());

        List<Request> taken = receiver.taken();
        long now = System.currentTimeMillis() / 1000;
        for (Request request : taken) {
            assertTrue(ReceiverVerification.isGenuine(SECRET, request.timestamp(), request.signature(), request.body(),
                    now), "signed: " + request.json());
            assertEquals(request.event(), request.json().path("event").asText());
            assertEquals(request.eventId(), request.json().path("id").asText());
        }
        for (String room : rooms) {
            assertEquals(expected(events, room), seen(taken, room), room);
        }
        assertEquals(events.size(), distinctIds(taken).size(), "an id per event, for the receiver to dedupe by");
        assertEquals(events.size(), metrics.webhooksDelivered());
        assertEquals(0, dispatcher.queued());
    }

    @Test
    void givenAReceiverThatFailsThenRecovers_everyEventArrivesAtLeastOnceAndEachRoomInOrder() {
        AtomicInteger answered = new AtomicInteger();
        int[] failures = {500, 503, 500, 429, 408, 502, 500, 500, 504, 500, 500, 500};
        WebhookReceiver receiver = receiver(WebhookReceiver.answering(body -> {
            int n = answered.getAndIncrement();
            return n < failures.length ? failures[n] : 200;
        }));
        WebhookDispatcher dispatcher = dispatcher(receiver);
        List<String> rooms = List.of("room-a", "room-b", "room-c");
        List<Event> events = activityOf(rooms, 10);

        events.forEach(dispatcher::happened);
        Await.until("every event taken", WAIT, () -> distinctIds(receiver.taken()).size() == events.size());

        for (String room : rooms) {
            assertEquals(expected(events, room), seen(receiver.taken(), room), room);
        }
        assertEquals(failures.length, metrics.webhookRetries(), "each failed answer was followed by a retry");
        for (WebhookDrop why : WebhookDrop.values()) {
            assertEquals(0, metrics.webhooksDropped(why), why.tag());
        }
        Await.until("nothing left", WAIT, () -> dispatcher.queued() == 0);
    }

    @Test
    void givenAReceiverThatNeverAnswersForOneRoom_itsEventsTimeOutAreRetriedThenDroppedAndCountedWhileOthersFlow() {
        WebhookReceiver receiver = receiver(WebhookReceiver.answering(body ->
                body.path("room_id").asText().equals("stuck") ? WebhookReceiver.HANG : 200));
        WebhookDispatcher dispatcher = dispatcher(receiver, Duration.ofSeconds(1), 1_000, HANG_TIMEOUT);
        List<Event> stuck = List.of(Events.message("stuck", 1, "one"), Events.message("stuck", 2, "two"));
        List<Event> flowing = activityOf(List.of("flowing"), 10);

        stuck.forEach(dispatcher::happened);
        flowing.forEach(dispatcher::happened);
        Await.until("the other room's events taken", WAIT, () -> seen(receiver.taken(), "flowing").size() == flowing.size());
        assertEquals(expected(flowing, "flowing"), seen(receiver.taken(), "flowing"));

        Await.until("the stuck room's events given up", WAIT,
                () -> metrics.webhooksDropped(WebhookDrop.RETRIES_EXHAUSTED) == 2);
        List<Request> stuckTries = receiver.requests().stream().filter(request -> request.roomId().equals("stuck"))
                .toList();
        String first = stuckTries.get(0).eventId();
        assertTrue(stuckTries.stream().filter(request -> request.eventId().equals(first)).count() > 1,
                "timed out and tried again: " + stuckTries.size() + " tries");
        assertEquals(2, distinctIds(stuckTries).size(), "the second was tried after the first was given up");
        assertEquals(0, dispatcher.queued());
    }

    @Test
    void givenAReceiverThatHangs_theQueueStaysBoundedAndTheHandOffNeverWaits() {
        WebhookReceiver receiver = receiver(WebhookReceiver.answering(body -> WebhookReceiver.HANG));
        WebhookDispatcher dispatcher = dispatcher(receiver, Duration.ofMinutes(5), 5, HANG_TIMEOUT);

        long started = System.nanoTime();
        for (int i = 1; i <= 2_000; i++) {
            dispatcher.happened(Events.message("room-" + (i % 7), i, "m" + i));
        }
        Duration handOffs = Duration.ofNanos(System.nanoTime() - started);

        assertTrue(handOffs.compareTo(Duration.ofSeconds(2)) < 0, "2 000 hand-offs took " + handOffs);
        assertEquals(5, dispatcher.queued());
        assertEquals(1_995, metrics.webhooksDropped(WebhookDrop.QUEUE_FULL));
    }

    @Test
    void givenAReceiverThatRefusesWith4xx_eachEventIsTriedOnceAndCountedWhile429IsTriedAgain() {
        AtomicInteger limited = new AtomicInteger();
        WebhookReceiver receiver = receiver(WebhookReceiver.answering(body -> switch (body.path("room_id").asText()) {
            case "refused" -> 404;
            case "limited" -> limited.getAndIncrement() == 0 ? 429 : 200;
            default -> 200;
        }));
        WebhookDispatcher dispatcher = dispatcher(receiver);

        List.of(Events.message("refused", 1, "a"), Events.message("refused", 2, "b"), Events.message("limited", 1, "c"))
                .forEach(dispatcher::happened);
        Await.until("all done with", WAIT, () -> dispatcher.queued() == 0);

        assertEquals(2, receiver.requests().stream().filter(request -> request.roomId().equals("refused")).count());
        assertEquals(2, metrics.webhooksDropped(WebhookDrop.REFUSED));
        assertEquals(List.of("message_posted 1"), seen(receiver.taken(), "limited"));
        assertEquals(1, metrics.webhookRetries());
    }

    @Test
    void onClose_pendingEventsAreDeliveredWithinTheDrainAndLaterOnesAreCountedAsShutdown() {
        WebhookReceiver receiver = receiver(WebhookReceiver.ok());
        WebhookDispatcher dispatcher = dispatcher(receiver);
        List<Event> events = activityOf(List.of("room-a", "room-b"), 15);

        events.forEach(dispatcher::happened);
        dispatcher.close(Duration.ofSeconds(15));
        dispatcher.happened(Events.message("room-a", 99, "too late"));

        assertEquals(events.size(), distinctIds(receiver.taken()).size());
        assertEquals(1, metrics.webhooksDropped(WebhookDrop.SHUTDOWN));
    }

    @Test
    void onClose_whatTheReceiverDoesNotTakeWithinTheDrainIsCountedAndCloseReturns() {
        WebhookReceiver receiver = receiver(WebhookReceiver.answering(body -> WebhookReceiver.HANG));
        WebhookDispatcher dispatcher = dispatcher(receiver, Duration.ofMinutes(5), 100, HANG_TIMEOUT);
        List<Event> events = activityOf(List.of("room-a", "room-b"), 3);

        events.forEach(dispatcher::happened);
        long started = System.nanoTime();
        dispatcher.close(Duration.ofMillis(300));
        Duration closing = Duration.ofNanos(System.nanoTime() - started);

        assertTrue(closing.compareTo(Duration.ofSeconds(3)) < 0, "close took " + closing);
        assertEquals(events.size(), metrics.webhooksDropped(WebhookDrop.SHUTDOWN));
        assertEquals(0, dispatcher.queued());
    }

    @Test
    void theSignatureTimestampIsTheAttemptsOwnAndEveryTryIsSignedAnew() throws Exception {
        AtomicInteger answered = new AtomicInteger();
        WebhookReceiver receiver = receiver(WebhookReceiver.answering(body -> answered.getAndIncrement() < 2 ? 500 : 200));
        WebhookDispatcher dispatcher = dispatcher(receiver);

        dispatcher.happened(Events.roomCreated("room-a"));
        Await.until("taken", WAIT, () -> receiver.taken().size() == 1);

        List<Request> tries = receiver.requests();
        assertEquals(3, tries.size());
        long now = System.currentTimeMillis() / 1000;
        for (Request attempt : tries) {
            assertEquals(tries.get(0).eventId(), attempt.eventId(), "one event, one id, whatever the tries");
            assertTrue(ReceiverVerification.isGenuine(SECRET, attempt.timestamp(), attempt.signature(), attempt.body(),
                    now));
        }
    }
}
