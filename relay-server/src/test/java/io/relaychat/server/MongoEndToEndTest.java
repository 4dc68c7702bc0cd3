package io.relaychat.server;

import com.fasterxml.jackson.databind.JsonNode;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.relaychat.client.Ack;
import io.relaychat.client.ChatMessage;
import io.relaychat.client.RelayClient;
import io.relaychat.server.Api.Account;
import io.relaychat.testkit.Await;
import io.relaychat.testkit.IntegrationTest;
import io.relaychat.testkit.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server with MONGO_URL set, against a MongoDB-wire-compatible server in this JVM reached through a
 * loopback proxy (which can cut the connection like an outage would): durability across restarts, two
 * servers on one store, and what clients see while the store is away.
 */
@IntegrationTest
class MongoEndToEndTest {
    private MongoServer mongo;
    private TcpProxy proxy;
    private Map<String, String> env;

    @BeforeEach
    void startStore() {
        mongo = new MongoServer(new MemoryBackend());
        mongo.bind("127.0.0.1", 0);
        proxy = new TcpProxy("127.0.0.1", mongo.getLocalAddress().getPort()).start();
        env = Map.of(
                "MONGO_URL", "mongodb://127.0.0.1:" + proxy.port(),
                "DB_NAME", "relay_" + UUID.randomUUID().toString().replace("-", ""),
                "RELAY_MONGO_TIMEOUT_MS", "800");
    }

    @AfterEach
    void stopStore() {
        proxy.close();
        mongo.shutdownNow();
    }

    @Test
    void aRestartedServerOnTheSameStoreHasEverythingAndContinuesTheSeqs() {
        byte[] picture = {(byte) 0x89, 'P', 'N', 'G', 42};
        String room;
        String url;
        Account bob;
        try (RunningServer first = RunningServer.start(env)) {
            Api api = new Api(first);
            Account ann = api.register("ann");
            bob = api.register("bob");
            room = api.createRoom(ann, "durable", bob);
            url = api.upload("cat.png", picture, ann.token()).body().path("url").asText();
            try (WsClient ws = WsClient.connect(first.ws(ann.token()))) {
                ws.join(room);
                for (int i = 1; i <= 3; i++) {
                    ws.say(room, "before restart " + i);
                }
                ws.awaitMessages(3);
            }
        }

        try (RunningServer second = RunningServer.start(env)) {
            Api api = new Api(second);
            Api.Response login = api.post("/api/auth/login", Map.of("email", "ann@example.com", "password", "password-of-ann"), null);
            assertEquals(200, login.status());
            String annToken = login.body().path("access_token").asText();

            assertEquals(room, api.get("/api/rooms", bob.token()).body().path(0).path("id").asText(), "bob's token still works");
            JsonNode history = api.get("/api/rooms/" + room + "/messages", annToken).body();
            assertEquals(3, history.size());
            assertEquals(3, history.path(2).path("seq").asLong());
            assertArrayEquals(picture, api.get(url, null).raw().body());
            try (WsClient ws = WsClient.connect(second.ws(annToken))) {
                ws.join(room);
                ws.say(room, "after restart");
                ws.awaitMessages(1);
                assertEquals(List.of(4L), ws.seqs(), "seq continues, none reused");
            }
        }
    }

    @Test
    void twoServersOnOneStoreGiveEveryMessageItsOwnSeqAndLoseNone() {
        try (RunningServer nodeA = RunningServer.start(env); RunningServer nodeB = nodeA.another()) {
            Api api = new Api(nodeA);
            Account owner = api.register("owner");
            List<Account> senders = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                senders.add(api.register("sender" + i));
            }
            String room = api.createRoom(owner, "busy", senders.toArray(Account[]::new));
            List<WsClient> sockets = new ArrayList<>();
            for (int i = 0; i < senders.size(); i++) {
                RunningServer node = i < 4 ? nodeA : nodeB;
                sockets.add(WsClient.connect(node.ws(senders.get(i).token())));
            }
            int perSender = 25;

            List<CompletableFuture<Void>> sending = new ArrayList<>();
            for (int i = 0; i < sockets.size(); i++) {
                WsClient socket = sockets.get(i);
                String name = senders.get(i).username();
                sending.add(CompletableFuture.runAsync(() -> {
                    for (int n = 0; n < perSender; n++) {
                        socket.send(Map.of("action", "send_message", "room_id", room, "content", name + " " + n,
                                "client_id", name + "-" + n));
                    }
                }));
            }
            sending.forEach(CompletableFuture::join);
            sockets.forEach(socket -> socket.awaitMessages(perSender));

            List<JsonNode> stored = allMessages(api, owner, room);
            assertEquals(LongStream.rangeClosed(1, 200).boxed().toList(), stored.stream().map(m -> m.path("seq").asLong()).toList());
            Set<String> clientIds = new HashSet<>();
            stored.forEach(message -> clientIds.add(message.path("client_id").asText()));
            assertEquals(200, clientIds.size(), "every message stored once");
            sockets.forEach(WsClient::close);
        }
    }

    @Test
    void whileTheStoreIsAwaySendersAreToldAndAfterItReturnsSendingWorksAgain() {
        try (RunningServer server = RunningServer.start(env)) {
            Api api = new Api(server);
            Account ann = api.register("ann");
            String room = api.createRoom(ann, "outage");
            ClientInbox annSaw = new ClientInbox("ann");
            try (RelayClient client = annSaw.connect(List.of(URI.create(server.http())), ann);
                 WsClient ws = WsClient.connect(server.ws(ann.token()))) {
                Await.result(client.follow(room));
                assertEquals(1, Await.result(client.send(room, "before")).seq());

                proxy.stop();
                // The refusal itself, on a raw connection: the Java client keeps it to itself, waits and sends again.
                ws.send(Map.of("action", "send_message", "room_id", room, "content", "refused",
                        "client_id", "during-1"));
                JsonNode error = ws.nextError(0);
                CompletionStage<Ack> during = client.send(room, "during");
                Api.Response rest = api.get("/api/rooms", ann.token());

                assertEquals("Message not delivered: storage unavailable", error.path("message").asText());
                assertEquals("during-1", error.path("client_id").asText());
                ws.send(Map.of("action", "ping"));
                ws.awaitType("pong");
                assertFalse(ws.isClosed(), "the connection stays open");
                assertEquals(503, rest.status());
                assertTrue(rest.detail().contains("unavailable"), rest.detail());
                assertFalse(during.toCompletableFuture().isDone(), "the client's send waits for the store, unrefused");

                proxy.start();
                // The client retries with its client_id, each attempt once the one before was answered.
                Await.until("the client's send is stored once the store is back", Duration.ofSeconds(20),
                        () -> during.toCompletableFuture().isDone());
                assertEquals(2, Await.result(during).seq(), "the failed attempts took no seq");
                annSaw.awaitMessages(room, 2, Duration.ofSeconds(10));
                assertEquals(List.of("before", "during"),
                        annSaw.messages(room).stream().map(ChatMessage::content).toList());
                assertEquals(List.of(1L, 2L), annSaw.seqs(room));
                assertEquals(1, annSaw.connects(), "the client's connection stayed open throughout");
                JsonNode history = api.get("/api/rooms/" + room + "/messages", ann.token()).body();
                assertEquals(2, history.size(), "retries with one client_id are stored once");
            }
        }
    }

    /** The whole history of a room, oldest first, paging back with before_seq. */
    private static List<JsonNode> allMessages(Api api, Account member, String room) {
        List<JsonNode> newestPagesFirst = new ArrayList<>();
        String cursor = "";
        while (true) {
            JsonNode page = api.get("/api/rooms/" + room + "/messages?limit=100" + cursor, member.token()).body();
            if (page.isEmpty()) {
                break;
            }
            List<JsonNode> items = new ArrayList<>();
            page.forEach(items::add);
            newestPagesFirst.addAll(0, items);
            cursor = "&before_seq=" + items.get(0).path("seq").asLong();
        }
        return newestPagesFirst;
    }
}
