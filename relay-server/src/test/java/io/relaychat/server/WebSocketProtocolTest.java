package io.relaychat.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.relaychat.server.Api.Account;
import io.relaychat.testkit.Await;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every WebSocket action of the protocol, with real clients against the real server. */
@IntegrationTest
class WebSocketProtocolTest {
    private static RunningServer server;
    private static Api api;

    @BeforeAll
    static void start() {
        server = RunningServer.start();
        api = new Api(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Account someone() {
        return api.register("user" + UUID.randomUUID().toString().substring(0, 8));
    }

    private static WsClient connect(Account account) {
        return WsClient.connect(server.ws(account.token()));
    }

    @Test
    void aMissingOrBadTokenIsClosedWith1008() {
        for (String uri : List.of(server.ws(null), server.ws("garbage"), server.ws(someone().token() + "x"))) {
            WsClient client = WsClient.connect(uri);
            assertEquals(1008, client.awaitCloseCode(), uri);
            assertEquals("Authentication failed", client.closeReason());
        }
    }

    @Test
    void joiningGreetsTheJoinerAndTellsTheOthers() {
        Account ann = someone();
        Account bob = someone();
        String room = api.createRoom(ann, "lobby", bob);
        try (WsClient annWs = connect(ann); WsClient bobWs = connect(bob)) {
            annWs.join(room);
            annWs.clear();

            bobWs.send(Map.of("action", "join_room", "room_id", room));

            JsonNode system = bobWs.awaitType("system");
            assertEquals("Joined room: lobby", system.path("message").asText());
            JsonNode presence = bobWs.awaitType("presence_update");
            assertEquals(room, presence.path("room_id").asText());
            assertEquals(Map.of(ann.id(), ann.username(), bob.id(), bob.username()),
                    Api.JSON.convertValue(presence.path("online_users"), Map.class));
            assertEquals("system", bobWs.frames().get(0).path("type").asText(), "greeting comes first");

            JsonNode joined = annWs.awaitType("user_joined");
            assertEquals(bob.id(), joined.path("user_id").asText());
            assertEquals(bob.username() + " joined the room", joined.path("message").asText());
            assertEquals(room, joined.path("room_id").asText());
            annWs.awaitFrame("presence with bob", frame -> frame.path("type").asText().equals("presence_update")
                    && frame.path("online_users").has(bob.id()));
        }
    }

    @Test
    void aNonMemberIsDeniedTheRoom() {
        Account ann = someone();
        Account eve = someone();
        String room = api.createRoom(ann, "private", "private");
        try (WsClient eveWs = connect(eve)) {
            eveWs.send(Map.of("action", "join_room", "room_id", room));
            assertEquals("Access denied to room", eveWs.nextError(0).path("message").asText());

            eveWs.say(room, "sneaky");
            assertEquals("Access denied", eveWs.nextError(1).path("message").asText());

            eveWs.send(Map.of("action", "send_message", "room_id", room, "content", "sneakier", "client_id", "e-1"));
            JsonNode sendRefused = eveWs.nextError(2);
            assertEquals(error("Access denied to room", "not_member"), eveWs.framesOfType("error").get(0));
            assertEquals(error("Access denied", "not_member"), eveWs.framesOfType("error").get(1));
            assertEquals(error("Access denied", "not_member").put("client_id", "e-1"), sendRefused);
        }
        assertEquals(0, api.get("/api/rooms/" + room + "/messages", ann.token()).body().size());
    }

    @Test
    void aMessageReachesJoinedConnectionsAndAllOfTheSendersOnceByteForByte() {
        Account ann = someone();
        Account bob = someone();
        Account cat = someone();
        String room = api.createRoom(ann, "chat", bob);
        String content = "héllo 👋 \"quotes\" <b>tags</b> \\ back\nslash\t\u0000 end ";
        try (WsClient annJoined = connect(ann); WsClient annIdle = connect(ann); WsClient bobJoined = connect(bob);
             WsClient bobIdle = connect(bob); WsClient catWs = connect(cat)) {
            annJoined.join(room);
            annJoined.send(Map.of("action", "join_room", "room_id", room));
            bobJoined.join(room);

            annJoined.send(Map.of("action", "send_message", "room_id", room, "content", content,
                    "attachments", List.of("/static/uploads/x.png"), "client_id", "c-1"));

            for (WsClient client : List.of(annJoined, annIdle, bobJoined)) {
                client.awaitMessages(1);
            }
            Await.result(CompletableFuture.runAsync(() -> annJoined.say(room, "marker")));
            bobJoined.awaitMessages(2);
            annJoined.awaitMessages(2);
            for (WsClient client : List.of(annJoined, bobJoined)) {
                assertEquals(List.of(1L, 2L), client.seqs(), "once each, in order");
            }
            JsonNode message = bobJoined.chatMessages().get(0);
            assertEquals(content, message.path("content").asText());
            assertEquals(ann.id(), message.path("user_id").asText());
            assertEquals(ann.username(), message.path("username").asText());
            assertEquals(room, message.path("room_id").asText());
            assertEquals("c-1", message.path("client_id").asText());
            assertEquals("/static/uploads/x.png", message.path("attachments").path(0).asText());
            assertTrue(message.path("timestamp").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
            assertEquals(List.of(), bobIdle.chatMessages());
            assertEquals(List.of(), catWs.chatMessages());
            assertEquals(content, api.get("/api/rooms/" + room + "/messages", bob.token()).body().path(0).path("content").asText());
        }
    }

    @Test
    void aRetriedClientIdIsStoredOnceAndEchoedAgain() {
        Account ann = someone();
        Account bob = someone();
        String room = api.createRoom(ann, "retry", bob);
        try (WsClient annWs = connect(ann); WsClient bobWs = connect(bob)) {
            annWs.join(room);
            bobWs.join(room);
            Map<String, String> send = Map.of("action", "send_message", "room_id", room, "content", "once", "client_id", "k-9");

            annWs.send(send);
            annWs.send(send);
            annWs.awaitMessages(2);

            assertEquals(annWs.chatMessages().get(0), annWs.chatMessages().get(1));
            bobWs.awaitMessages(1);
            assertEquals(1, api.get("/api/rooms/" + room + "/messages", ann.token()).body().size());
            assertEquals(List.of(1L), bobWs.seqs());
        }
    }

    @Test
    void joiningWithSinceSeqReplaysTheGapThenGoesLive() {
        Account ann = someone();
        Account bob = someone();
        String room = api.createRoom(ann, "resume", bob);
        try (WsClient annWs = connect(ann)) {
            annWs.join(room);
            for (int i = 1; i <= 10; i++) {
                annWs.say(room, "m" + i);
            }
            annWs.awaitMessages(10);
            try (WsClient bobWs = connect(bob)) {
                bobWs.send(Map.of("action", "join_room", "room_id", room, "since_seq", 6));
                bobWs.awaitMessages(4);
                annWs.say(room, "live");
                bobWs.awaitMessages(5);

                assertEquals(List.of(7L, 8L, 9L, 10L, 11L), bobWs.seqs());
            }
        }
    }

    @Test
    void leavingStopsDeliveryAndUpdatesOthersPresence() {
        Account ann = someone();
        Account bob = someone();
        String room = api.createRoom(ann, "leave", bob);
        try (WsClient annWs = connect(ann); WsClient bobWs = connect(bob)) {
            annWs.join(room);
            bobWs.join(room);
            annWs.awaitFrame("presence with bob", frame -> frame.path("type").asText().equals("presence_update")
                    && frame.path("online_users").has(bob.id()));
            annWs.clear();

            bobWs.send(Map.of("action", "leave_room", "room_id", room));
            annWs.awaitFrame("presence without bob", frame -> frame.path("type").asText().equals("presence_update")
                    && !frame.path("online_users").has(bob.id()));
            annWs.say(room, "bob is gone");
            annWs.awaitMessages(1);
            bobWs.send(Map.of("action", "ping"));
            bobWs.awaitType("pong");

            assertEquals(List.of(), bobWs.chatMessages());
        }
    }

    @Test
    void closingTheLastConnectionOfAUserUpdatesPresence() {
        Account ann = someone();
        Account bob = someone();
        String room = api.createRoom(ann, "presence", bob);
        try (WsClient annWs = connect(ann)) {
            annWs.join(room);
            WsClient bobPhone = connect(bob);
            WsClient bobLaptop = connect(bob);
            bobPhone.join(room);
            bobLaptop.join(room);
            annWs.awaitFrame("presence with bob", frame -> frame.path("type").asText().equals("presence_update")
                    && frame.path("online_users").has(bob.id()));
            annWs.clear();

            bobPhone.abort();
            annWs.say(room, "marker");
            annWs.awaitMessages(1);
            assertTrue(annWs.framesOfType("presence_update").isEmpty(), "bob still has a connection");

            bobLaptop.close();
            JsonNode update = annWs.awaitType("presence_update");
            assertEquals(Map.of(ann.id(), ann.username()), Api.JSON.convertValue(update.path("online_users"), Map.class));
        }
    }

    @Test
    void typingReachesOthersAndIsNotStored() {
        Account ann = someone();
        Account bob = someone();
        String room = api.createRoom(ann, "typing", bob);
        try (WsClient annWs = connect(ann); WsClient bobWs = connect(bob)) {
            annWs.join(room);
            bobWs.join(room);

            annWs.send(Map.of("action", "typing", "room_id", room));

            JsonNode typing = bobWs.awaitType("typing");
            assertEquals(ann.id(), typing.path("user_id").asText());
            assertEquals(ann.username(), typing.path("username").asText());
            assertEquals(room, typing.path("room_id").asText());
            annWs.send(Map.of("action", "ping"));
            annWs.awaitType("pong");
            assertTrue(annWs.framesOfType("typing").isEmpty());
            assertEquals(0, api.get("/api/rooms/" + room + "/messages", ann.token()).body().size());
        }
    }

    @Test
    void pingsAreAnsweredBothWays() {
        try (WsClient ws = connect(someone())) {
            ws.send(Map.of("action", "ping"));
            assertEquals("pong", ws.awaitType("pong").path("type").asText());

            ByteBuffer pong = ws.ping("are you there".getBytes(StandardCharsets.UTF_8));
            assertEquals("are you there", StandardCharsets.UTF_8.decode(pong).toString());
        }
    }

    @Test
    void badRequestsGetAnErrorAndTheConnectionKeepsWorking() {
        Account ann = someone();
        String room = api.createRoom(ann, "errors");
        try (WsClient ws = connect(ann)) {
            ws.join(room);
            List<String> frames = List.of(
                    "{not json",
                    "[1, 2]",
                    "{\"action\": \"dance\"}",
                    "{\"room_id\": \"" + room + "\"}",
                    "{\"action\": \"join_room\"}",
                    "{\"action\": \"send_message\", \"content\": \"hi\"}",
                    "{\"action\": \"send_message\", \"room_id\": \"" + room + "\", \"content\": \"\"}",
                    "{\"action\": \"send_message\", \"room_id\": \"" + room + "\", \"content\": \"" + "x".repeat(4001) + "\", \"client_id\": \"long\"}",
                    "{\"action\": \"send_message\", \"room_id\": \"" + room + "\", \"content\": 42}",
                    "{\"action\": \"join_room\", \"room_id\": \"" + room + "\", \"since_seq\": -1}");
            List<String> expected = List.of(
                    "Invalid JSON",
                    "Invalid JSON",
                    "Unknown action: dance",
                    "Missing field: action",
                    "room_id is required",
                    "room_id is required",
                    "content must not be empty",
                    "Message content exceeds 4000 characters",
                    "content must be a string",
                    "since_seq must be a non-negative integer");
            List<String> codes = List.of(
                    "invalid_json",
                    "invalid_json",
                    "unknown_action",
                    "invalid_field",
                    "invalid_field",
                    "invalid_field",
                    "invalid_field",
                    "content_too_long",
                    "invalid_field",
                    "invalid_field");
            for (int i = 0; i < frames.size(); i++) {
                ws.sendText(frames.get(i));
                assertEquals(expected.get(i), ws.nextError(i).path("message").asText(), frames.get(i));
            }
            assertEquals("long", ws.framesOfType("error").get(7).path("client_id").asText());
            for (int i = 0; i < frames.size(); i++) {
                assertEquals(codes.get(i), ws.framesOfType("error").get(i).path("code").asText(), frames.get(i));
            }
            assertEquals(error("Invalid JSON", "invalid_json"), ws.framesOfType("error").get(0));
            assertEquals(error("Unknown action: dance", "unknown_action"), ws.framesOfType("error").get(2));
            assertEquals(error("Message content exceeds 4000 characters", "content_too_long").put("client_id", "long"),
                    ws.framesOfType("error").get(7));

            String notJoined = api.createRoom(ann, "not joined");
            ws.send(Map.of("action", "typing", "room_id", notJoined));
            assertEquals(error("Join the room first", "not_joined"), ws.nextError(frames.size()));

            ws.say(room, "still works");
            ws.awaitMessages(1);
            assertFalse(ws.isClosed());
        }
    }

    @Test
    void aFrameOverTheLimitClosesWith1009() {
        Account ann = someone();
        try (WsClient ws = connect(ann)) {
            ws.sendText("{\"action\":\"ping\",\"pad\":\"" + "x".repeat(64 * 1024) + "\"}");

            assertEquals(1009, ws.awaitCloseCode());
        }
    }

    @Test
    void fiveConcurrentSendersReachTenConnectionsOnceInSeqOrder() {
        Account owner = someone();
        List<Account> senders = IntStream.range(0, 5).mapToObj(i -> someone()).toList();
        String room = api.createRoom(owner, "busy", senders.toArray(Account[]::new));
        List<WsClient> listeners = new ArrayList<>();
        List<WsClient> senderSockets = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                WsClient listener = connect(owner);
                listener.join(room);
                listeners.add(listener);
            }
            for (Account sender : senders) {
                senderSockets.add(connect(sender));
            }
            List<CompletableFuture<Void>> sending = new ArrayList<>();
            for (WsClient sender : senderSockets) {
                sending.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < 40; i++) {
                        sender.say(room, "m" + i);
                    }
                }));
            }
            sending.forEach(CompletableFuture::join);

            List<Long> all = LongStream.rangeClosed(1, 200).boxed().toList();
            for (WsClient listener : listeners) {
                listener.awaitMessages(200);
                assertEquals(all, listener.seqs());
            }
        } finally {
            listeners.forEach(WsClient::close);
            senderSockets.forEach(WsClient::close);
        }
    }

    /** An error frame as the server sends every refusal: the text the web UI shows, then the stable code. */
    private static ObjectNode error(String message, String code) {
        return Api.JSON.createObjectNode().put("type", "error").put("message", message).put("code", code);
    }
}
