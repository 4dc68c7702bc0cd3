package io.relaychat.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.relaychat.adapter.webhook.WebhookSignature;
import io.relaychat.server.Api.Account;
import io.relaychat.testkit.Await;
import io.relaychat.testkit.IntegrationTest;
import io.relaychat.testkit.WebhookReceiver;
import io.relaychat.testkit.WebhookReceiver.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Outgoing webhooks through the real server: what a receiver gets for a room's life, that a room's messages from
 * many senders at once come by seq on each store, that a receiver that hangs delays no chat and no shutdown beyond its
 * grace, that a shutdown lets pending events go, and that in a cluster each event is sent by one node only.
 */
@IntegrationTest
class WebhooksEndToEndTest {
    private static final String SECRET = "a-webhook-secret-of-at-least-32-bytes";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int ORDER_SENDERS = 8;
    private static final int ORDER_PER_SENDER = 40;
    @TempDir
    Path data;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
    }

    private <T extends AutoCloseable> T closedAfter(T closeable) {
        toClose.add(0, closeable);
        return closeable;
    }

    private static Map<String, String> webhooksTo(WebhookReceiver receiver) {
        return Map.of("RELAY_WEBHOOK_URL", receiver.url(), "RELAY_WEBHOOK_SECRET", SECRET);
    }

    /** Webhooks to {@code receiver}, and /metrics on a port of its own. */
    private static Map<String, String> webhooksAndMetrics(WebhookReceiver receiver) throws IOException {
        Map<String, String> env = new HashMap<>(webhooksTo(receiver));
        try (ServerSocket free = new ServerSocket(0)) {
            env.put("RELAY_METRICS_PORT", String.valueOf(free.getLocalPort()));
        }
        return env;
    }

    private WsClient connect(RunningServer node, Account account) {
        return closedAfter(WsClient.connect(node.ws(account.token())));
    }

    private static void addMember(Api api, Account by, String room, Account added) {
        Api.Response response = api.post("/api/rooms/" + room + "/members/add?user_email=" + added.email(), null,
                by.token());
        assertEquals(200, response.status(), response.body().toString());
    }

    @Test
    void aRoomsLifeReachesTheReceiverAsFourKindsOfSignedEventsInOrder() throws IOException {
        WebhookReceiver receiver = closedAfter(WebhookReceiver.ok());
        RunningServer server = closedAfter(RunningServer.start(webhooksAndMetrics(receiver)));
        Api api = new Api(server);
        Account ann = api.register("ann");
        Account bob = api.register("bob");

        String room = api.createRoom(ann, "hooked");
        addMember(api, ann, room, bob);
        WsClient annSocket = connect(server, ann);
        annSocket.join(room);
        annSocket.send(Map.of("action", "send_message", "room_id", room, "content", "hello", "client_id", "c-1"));
        annSocket.awaitMessages(1);
        assertEquals(200, api.post("/api/rooms/" + room + "/leave", null, bob.token()).status());
        Await.until("four events", WAIT, () -> receiver.of(room).size() >= 4);

        List<Request> events = receiver.of(room);
        assertEquals(List.of("room_created", "member_added", "message_posted", "member_removed"),
                events.stream().map(Request::event).toList());
        for (Request event : events) {
            assertSigned(event);
            assertEquals(event.event(), event.json().path("event").asText());
            assertEquals(event.eventId(), event.json().path("id").asText());
        }
        assertEquals(ann.id(), events.get(0).json().path("data").path("created_by").asText());
        assertEquals(room, events.get(0).json().path("data").path("room").path("id").asText());
        assertEquals(Map.of("user_id", bob.id(), "added_by", ann.id()), fields(events.get(1)));
        ObjectNode frame = annSocket.chatMessages().get(0).deepCopy();
        frame.remove("type");
        assertEquals(frame, events.get(2).json().path("data").path("message"), "the message as the WebSocket shows it");
        assertEquals(1, events.get(2).json().path("data").path("message").path("seq").asLong());
        assertEquals(Map.of("user_id", bob.id(), "removed_by", bob.id()), fields(events.get(3)));
        Await.until("the four counted as delivered", WAIT,
                () -> Scrape.of(server.server.metricsPort()).value("relay_webhook_delivered_total") == 4);
        assertEquals(0, Scrape.of(server.server.metricsPort()).value("relay_webhook_queued"));
    }

    /** The settings of a node on {@code storage}: in memory, on SQLite in a folder of the test's, or on MongoDB. */
    private Map<String, String> on(String storage) {
        Map<String, String> env = new HashMap<>();
        switch (storage) {
            case "memory" -> env.put("RELAY_STORAGE", "memory");
            case "sqlite" -> {
                env.put("RELAY_STORAGE", "sqlite");
                env.put("RELAY_DATA_DIR", data.toString());
            }
            case "mongodb" -> {
                MongoServer mongo = new MongoServer(new MemoryBackend());
                mongo.bind("127.0.0.1", 0);
                closedAfter(mongo::shutdownNow);
                env.put("MONGO_URL", "mongodb://127.0.0.1:" + mongo.getLocalAddress().getPort());
                env.put("DB_NAME", "relay_" + UUID.randomUUID().toString().replace("-", ""));
            }
            default -> throw new IllegalArgumentException(storage);
        }
        return env;
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "sqlite", "mongodb"})
    void concurrentSendersMessagesReachTheReceiverInSeqOrderNoneMissing(String storage) {
        WebhookReceiver receiver = closedAfter(WebhookReceiver.ok());
        Map<String, String> env = on(storage);
        env.put("RELAY_WEBHOOK_URL", receiver.url());
        env.put("RELAY_WEBHOOK_SECRET", SECRET);
        RunningServer server = closedAfter(RunningServer.start(env));
        Api api = new Api(server);
        Account owner = api.register("owner");
        List<Account> senders = new ArrayList<>();
        for (int i = 0; i < ORDER_SENDERS; i++) {
            senders.add(api.register("sender" + i));
        }
        String room = api.createRoom(owner, "busy", senders.toArray(Account[]::new));
        // Each on a connection of its own, and so, a few at least, on event loops of their own; all joined, so that
        // each stored message is delivered to every one of them before the node tells the webhooks of it.
        List<WsClient> sockets = new ArrayList<>();
        for (Account sender : senders) {
            WsClient socket = connect(server, sender);
            socket.join(room);
            sockets.add(socket);
        }

        List<CompletableFuture<Void>> sending = new ArrayList<>();
        for (int i = 0; i < ORDER_SENDERS; i++) {
            WsClient socket = sockets.get(i);
            String name = senders.get(i).username();
            sending.add(CompletableFuture.runAsync(() -> {
                for (int n = 0; n < ORDER_PER_SENDER; n++) {
                    socket.send(Map.of("action", "send_message", "room_id", room, "content", name + " " + n,
                            "client_id", name + "-" + n));
                }
            }));
        }
        sending.forEach(CompletableFuture::join);
        int total = ORDER_SENDERS * ORDER_PER_SENDER;
        sockets.forEach(socket -> socket.awaitMessages(total));
        Await.until(total + " message_posted events", WAIT, () -> posted(receiver, room).size() >= total);

        List<Long> seqs = posted(receiver, room);
        assertEquals(LongStream.rangeClosed(1, total).boxed().toList(), seqs, () -> "the receiver's message_posted "
                + "events of the room, in the order it got them, are not 1 to " + total + ": " + firstDisorder(seqs));
    }

    /** Where a list of seqs first leaves 1, 2, 3…, and the seqs around it: a short line instead of two long lists. */
    private static String firstDisorder(List<Long> seqs) {
        for (int i = 0; i < seqs.size(); i++) {
            if (seqs.get(i) != i + 1) {
                return "at #" + (i + 1) + ", " + seqs.subList(Math.max(0, i - 3), Math.min(seqs.size(), i + 8))
                        + " of " + seqs.size();
            }
        }
        return seqs.size() + " of them, in order";
    }

    /** The seqs of the room's message_posted events, in the order the receiver took them. */
    private static List<Long> posted(WebhookReceiver receiver, String room) {
        return receiver.of(room).stream().filter(event -> event.event().equals("message_posted"))
                .map(WebhooksEndToEndTest::seq).toList();
    }

    private static long seq(Request event) {
        return event.json().path("data").path("message").path("seq").asLong();
    }

    @Test
    void aReceiverThatHangsDelaysNoChatMessageAndTheShutdownKeepsToItsGrace() throws IOException {
        WebhookReceiver receiver = closedAfter(WebhookReceiver.hanging());
        RunningServer server = RunningServer.start(webhooksAndMetrics(receiver));
        boolean[] closedByTheTest = {false};
        closedAfter(() -> {
            if (!closedByTheTest[0]) {
                server.close();
            }
        });
        Api api = new Api(server);
        Account ann = api.register("ann");
        Account bob = api.register("bob");
        String room = api.createRoom(ann, "stuck", bob);
        Await.until("the receiver holds the room's creation", WAIT, () -> !receiver.of(room).isEmpty());
        WsClient annSocket = connect(server, ann);
        WsClient bobSocket = connect(server, bob);
        annSocket.join(room);
        bobSocket.join(room);

        long sent = System.nanoTime();
        for (int i = 1; i <= 5; i++) {
            annSocket.say(room, "while the receiver hangs " + i);
        }
        bobSocket.awaitMessages(5);
        Duration delivered = Duration.ofNanos(System.nanoTime() - sent);

        assertTrue(delivered.compareTo(Duration.ofSeconds(5)) < 0, "five messages took " + delivered);
        assertEquals(1, receiver.of(room).size(), "the receiver still holds the first event; the rest wait behind it");
        assertEquals(6, Scrape.of(server.server.metricsPort()).value("relay_webhook_queued"),
                "the creation, held, and the five messages behind it");
        long closing = System.nanoTime();
        closedByTheTest[0] = true;
        server.close();
        Duration closed = Duration.ofNanos(System.nanoTime() - closing);
        assertTrue(closed.compareTo(Duration.ofSeconds(4)) < 0, "a 2 s grace took " + closed);
    }

    @Test
    void onShutdownThePendingEventsOfASlowReceiverStillGoOut() {
        WebhookReceiver receiver = closedAfter(WebhookReceiver.okAfter(40));
        Map<String, String> env = new HashMap<>(webhooksTo(receiver));
        env.put("RELAY_SHUTDOWN_GRACE_SECONDS", "8");
        RunningServer server = RunningServer.start(env);
        boolean[] closedByTheTest = {false};
        closedAfter(() -> {
            if (!closedByTheTest[0]) {
                server.close();
            }
        });
        Api api = new Api(server);
        Account ann = api.register("ann");
        String room = api.createRoom(ann, "draining");
        WsClient annSocket = connect(server, ann);
        annSocket.join(room);
        for (int i = 1; i <= 10; i++) {
            annSocket.say(room, "message " + i);
        }
        annSocket.awaitMessages(10);

        closedByTheTest[0] = true;
        server.close();

        assertEquals(11, receiver.of(room).size(), "the creation and ten messages, all out before the node stopped");
    }

    @Test
    void inAClusterEachEventIsSentByOneNodeOnly() {
        WebhookReceiver receiver = closedAfter(WebhookReceiver.ok());
        SharedServices services = closedAfter(SharedServices.start());
        Map<String, String> env = services.nodeEnv("RELAY_WEBHOOK_URL", receiver.url(), "RELAY_WEBHOOK_SECRET", SECRET);
        RunningServer a = closedAfter(RunningServer.start(env));
        RunningServer b = closedAfter(RunningServer.start(env));
        Api onA = new Api(a);
        Api onB = new Api(b);
        Account ann = onA.register("ann");
        Account bob = onA.register("bob");
        Account cat = onA.register("cat");
        Account dan = onA.register("dan");
        String room = onA.createRoom(ann, "both nodes", bob);
        WsClient annOnA = connect(a, ann);
        WsClient bobOnB = connect(b, bob);
        annOnA.join(room);
        bobOnB.join(room);

        for (int i = 1; i <= 5; i++) {
            annOnA.say(room, "from a " + i);
            bobOnB.say(room, "from b " + i);
        }
        annOnA.awaitMessages(10);
        bobOnB.awaitMessages(10);
        // Each node's events of a room go out in order: once both of these arrived, each node has sent every event
        // of the room it was going to, a message it only heard of included.
        addMember(onA, ann, room, cat);
        addMember(onB, bob, room, dan);
        Await.until("both nodes' additions", WAIT, () -> receiver.of(room).stream()
                .filter(event -> event.event().equals("member_added")).count() == 2);

        List<Request> events = receiver.of(room);
        Map<String, Long> perMessage = events.stream().filter(event -> event.event().equals("message_posted"))
                .collect(Collectors.groupingBy(event -> event.json().path("data").path("message").path("id").asText(),
                        Collectors.counting()));
        Map<String, Long> perKind = events.stream().collect(Collectors.groupingBy(Request::event, Collectors.counting()));
        assertEquals(10, perMessage.size(), "every message: " + perMessage);
        assertTrue(perMessage.values().stream().allMatch(count -> count == 1), "each sent once: " + perMessage);
        assertEquals(Map.of("room_created", 1L, "message_posted", 10L, "member_added", 2L), perKind);
        events.forEach(WebhooksEndToEndTest::assertSigned);
        assertEquals(annOnA.seqs(), events.stream().filter(event -> event.event().equals("message_posted"))
                .map(WebhooksEndToEndTest::seq).sorted().toList());
    }

    private static void assertSigned(Request event) {
        long sentAt = Long.parseLong(event.timestamp());
        assertTrue(Math.abs(System.currentTimeMillis() / 1000 - sentAt) <= 300, "a fresh timestamp: " + sentAt);
        assertEquals(new WebhookSignature(SECRET).sign(sentAt, event.body()), event.signature());
    }

    private static Map<String, String> fields(Request event) {
        Map<String, String> fields = new HashMap<>();
        event.json().path("data").properties().forEach(field -> fields.put(field.getKey(), field.getValue().asText()));
        return fields;
    }
}
