package io.relaychat.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaychat.server.Api.Account;
import io.relaychat.server.Api.Response;
import io.relaychat.testkit.Await;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code POST /api/rooms/{id}/leave} on one node, against the real server, over real HTTP and WebSockets. */
@IntegrationTest
class LeaveRoomTest {
    private static RunningServer server;
    private static Api api;
    private final List<WsClient> sockets = new ArrayList<>();

    @BeforeAll
    static void start() {
        server = RunningServer.start();
        api = new Api(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void closeSockets() {
        sockets.forEach(WsClient::close);
    }

    private static Account someone(String name) {
        return api.register(name + UUID.randomUUID().toString().substring(0, 8));
    }

    private WsClient connect(Account account) {
        WsClient socket = WsClient.connect(server.ws(account.token()));
        sockets.add(socket);
        return socket;
    }

    private static Response leave(String roomId, Account who) {
        return api.post("/api/rooms/" + roomId + "/leave", null, who.token());
    }

    private static List<String> roomIds(Response rooms) {
        return StreamSupport.stream(rooms.body().spliterator(), false).map(room -> room.path("id").asText()).toList();
    }

    private static List<String> members(JsonNode room) {
        return StreamSupport.stream(room.path("members").spliterator(), false).map(JsonNode::asText).toList();
    }

    @Test
    void aMemberWhoLeavesAGroupRoomLosesItUntilTheyJoinAgain() {
        Account ann = someone("ann");
        Account bob = someone("bob");
        String room = api.createRoom(ann, "general", bob);
        WsClient annSocket = connect(ann);
        annSocket.join(room);
        annSocket.say(room, "before");
        annSocket.awaitMessages(1);

        Response left = leave(room, bob);

        assertEquals(200, left.status(), left.body().toString());
        assertEquals("Left the room", left.body().path("message").asText());
        assertEquals(room, left.body().path("room_id").asText());
        assertFalse(roomIds(api.get("/api/rooms", bob.token())).contains(room), "gone from the leaver's rooms");
        Response history = api.get("/api/rooms/" + room + "/messages", bob.token());
        assertEquals(403, history.status());
        assertEquals("not_member", history.code());
        assertTrue(roomIds(api.get("/api/rooms/discover/all", bob.token())).contains(room), "discoverable again");
        assertEquals(List.of(ann.id()), members(api.get("/api/rooms", ann.token()).body().get(0)),
                "the others stay, in their order");

        WsClient bobSocket = connect(bob);
        bobSocket.send(Map.of("action", "join_room", "room_id", room));
        JsonNode joinRefused = bobSocket.nextError(0);
        assertEquals("not_member", joinRefused.path("code").asText());
        bobSocket.send(Map.of("action", "send_message", "room_id", room, "content", "still here?", "client_id", "c-1"));
        JsonNode sendRefused = bobSocket.nextError(1);
        assertEquals("not_member", sendRefused.path("code").asText());
        assertEquals("c-1", sendRefused.path("client_id").asText());

        Response rejoined = api.post("/api/rooms/" + room + "/join", null, bob.token());
        assertEquals("Joined successfully", rejoined.body().path("message").asText());
        Response historyAgain = api.get("/api/rooms/" + room + "/messages", bob.token());
        assertEquals(200, historyAgain.status());
        assertEquals(List.of("before"), StreamSupport.stream(historyAgain.body().spliterator(), false)
                .map(message -> message.path("content").asText()).toList(), "nothing bob tried while out was stored");
        bobSocket.join(room);
    }

    @Test
    void everyOpenSocketOfTheLeaverStopsReceivingTheRoomAndTheOthersSeeThemGo() {
        Account ann = someone("ann");
        Account bob = someone("bob");
        String room = api.createRoom(ann, "general", bob);
        WsClient annSocket = connect(ann);
        annSocket.join(room);
        WsClient bobTab = connect(bob);
        bobTab.join(room);
        WsClient bobOtherTab = connect(bob);
        bobOtherTab.join(room);
        annSocket.awaitFrame("bob online", frame -> isPresence(frame, room) && frame.path("online_users").has(bob.id()));
        annSocket.clear();

        assertEquals(200, leave(room, bob).status());
        annSocket.say(room, "after bob left");
        annSocket.awaitMessages(1);

        for (WsClient tab : List.of(bobTab, bobOtherTab)) {
            tab.send(Map.of("action", "ping"));
            tab.awaitType("pong"); // written after anything the room sent this socket before it
            assertEquals(List.of(), tab.chatMessages(), "a socket of the leaver still got the room");
        }
        annSocket.awaitFrame("a presence update without bob",
                frame -> isPresence(frame, room) && !frame.path("online_users").has(bob.id())
                        && frame.path("online_users").has(ann.id()));
        bobTab.send(Map.of("action", "typing", "room_id", room));
        assertEquals("not_joined", bobTab.nextError(0).path("code").asText(), "the socket is no longer in the room");
    }

    private static boolean isPresence(JsonNode frame, String room) {
        return frame.path("type").asText().equals("presence_update") && frame.path("room_id").asText().equals(room);
    }

    @Test
    void leavingARoomOneIsNotInOrThatDoesNotExistIsRefusedAlike() {
        Account ann = someone("ann");
        Account eve = someone("eve");
        String secret = api.createRoom(ann, "secret", "private");

        Response notIn = leave(secret, eve);
        Response unknown = leave("no-such-room", eve);

        assertEquals(403, notIn.status());
        assertEquals("not_member", notIn.code());
        assertEquals(403, unknown.status());
        assertEquals(notIn.body(), unknown.body(), "an outsider cannot tell a private room from none");
        assertEquals(401, api.post("/api/rooms/" + secret + "/leave", null, null).status());
    }

    @Test
    void leavingTwiceIsRefusedTheSecondTime() {
        Account ann = someone("ann");
        String room = api.createRoom(ann, "solo");

        assertEquals(200, leave(room, ann).status());
        assertEquals("not_member", leave(room, ann).code());
    }

    @Test
    void aRoomLeftByItsLastMemberKeepsItsHistory() {
        Account ann = someone("ann");
        String room = api.createRoom(ann, "echo chamber");
        WsClient annSocket = connect(ann);
        annSocket.join(room);
        annSocket.say(room, "anyone?");
        annSocket.awaitMessages(1);

        assertEquals(200, leave(room, ann).status());
        Account bob = someone("bob");
        assertEquals("Joined successfully", api.post("/api/rooms/" + room + "/join", null, bob.token()).body()
                .path("message").asText());

        Response history = api.get("/api/rooms/" + room + "/messages", bob.token());
        assertEquals(List.of("anyone?"), StreamSupport.stream(history.body().spliterator(), false)
                .map(message -> message.path("content").asText()).toList());
    }

    /**
     * The one private room of exactly these two users stays one: the user who stayed gets it as it is (without
     * the leaver, who is not pulled back in), and the leaver who opens it again is a member again, history and all.
     */
    @Test
    void aDirectRoomLeftByOneSideIsStillTheOneRoomOfThePairAndTakesBackWhoeverOpensIt() {
        Account ann = someone("ann");
        Account bob = someone("bob");
        JsonNode direct = api.post("/api/rooms/direct?identifier=" + bob.username(), null, ann.token()).body();
        String room = direct.path("id").asText();
        WsClient annSocket = connect(ann);
        annSocket.join(room);
        annSocket.say(room, "hi bob");
        annSocket.awaitMessages(1);

        assertEquals(200, leave(room, ann).status());
        Response fromBob = api.post("/api/rooms/direct?identifier=" + ann.username(), null, bob.token());
        assertEquals(200, fromBob.status());
        assertEquals(room, fromBob.body().path("id").asText(), "still the pair's one room");
        assertEquals(List.of(bob.id()), members(fromBob.body()), "opening it does not pull ann back in");
        assertEquals(403, api.get("/api/rooms/" + room + "/messages", ann.token()).status());

        Response fromAnn = api.post("/api/rooms/direct?identifier=" + bob.email(), null, ann.token());
        assertEquals(room, fromAnn.body().path("id").asText());
        assertEquals(List.of(bob.id(), ann.id()), members(fromAnn.body()));
        Response history = api.get("/api/rooms/" + room + "/messages", ann.token());
        assertEquals(200, history.status());
        assertEquals("hi bob", history.body().get(0).path("content").asText());
        assertTrue(roomIds(api.get("/api/rooms", ann.token())).contains(room));
    }

    @Test
    void leavingCountsAgainstTheJoinRate() {
        try (RunningServer strict = RunningServer.start(Map.of("RELAY_JOIN_RATE_PER_SECOND", "1", "RELAY_JOIN_BURST", "2"))) {
            Api strictApi = new Api(strict);
            Account ann = strictApi.register("ann" + UUID.randomUUID().toString().substring(0, 8));
            List<String> rooms = List.of(strictApi.createRoom(ann, "a"), strictApi.createRoom(ann, "b"),
                    strictApi.createRoom(ann, "c"));

            List<Integer> statuses = rooms.stream()
                    .map(room -> strictApi.post("/api/rooms/" + room + "/leave", null, ann.token()).status()).toList();

            assertEquals(List.of(200, 200, 429), statuses);
            Response refused = strictApi.post("/api/rooms/" + rooms.get(2) + "/leave", null, ann.token());
            assertEquals("rate_limited", refused.code());
            assertTrue(refused.body().path("retry_after_ms").asLong() > 0);
            Await.until("the allowance comes back", () ->
                    strictApi.post("/api/rooms/" + rooms.get(2) + "/leave", null, ann.token()).status() == 200);
        }
    }
}
