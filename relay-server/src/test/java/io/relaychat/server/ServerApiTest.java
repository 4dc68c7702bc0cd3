package io.relaychat.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaychat.server.Api.Account;
import io.relaychat.server.Api.Response;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server API as a backend uses it, against one real server with two keys (one replacing the other). */
@IntegrationTest
class ServerApiTest {
    static final String KEY = "backend-key-one-backend-key-one-0001";
    static final String NEXT_KEY = "backend-key-two-backend-key-two-0002";

    private RunningServer server;
    private Api api;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void start() {
        server = RunningServer.start(Map.of("RELAY_API_KEY", KEY + ", " + NEXT_KEY));
        api = new Api(server);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
        server.close();
    }

    private WsClient connect(Account account) {
        WsClient client = WsClient.connect(server.ws(account.token()));
        toClose.add(0, client);
        return client;
    }

    /** A backend's call: the key as a bearer token. */
    private Response backend(String path, Object body) {
        return api.post(path, body, KEY);
    }

    static Map<String, Object> message(String room, String content, String clientId) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("room_id", room);
        body.put("content", content);
        body.put("sender", Map.of("id", "orders", "username", "Order bot"));
        if (clientId != null) {
            body.put("client_id", clientId);
        }
        return body;
    }

    @Test
    void aPublishedMessageReachesAMemberLiveWithItsSeqAndIsInHistoryAsFromASystemSender() {
        Account ann = api.register("ann");
        String room = api.createRoom(ann, "shop");
        WsClient annLive = connect(ann);
        annLive.join(room);

        Response published = backend("/api/server/publish", message(room, "Order #1042 shipped", "order-1042"));

        assertEquals(200, published.status(), published.body().toString());
        JsonNode stored = published.body();
        assertEquals("system:orders", stored.path("user_id").asText());
        assertEquals("Order bot", stored.path("username").asText());
        assertEquals(1, stored.path("seq").asLong());
        assertFalse(stored.path("id").asText().isEmpty());
        assertFalse(stored.path("timestamp").asText().isEmpty());
        annLive.awaitMessages(1);
        JsonNode live = annLive.chatMessages().get(0);
        assertEquals("Order #1042 shipped", live.path("content").asText());
        assertEquals(1, live.path("seq").asLong());
        assertEquals("system:orders", live.path("user_id").asText());
        List<JsonNode> history = api.history(room, ann.token());
        assertEquals(1, history.size());
        assertEquals(stored.path("id").asText(), history.get(0).path("id").asText());
    }

    @Test
    void theSameClientIdTwiceIsOneMessage() {
        Account ann = api.register("ann");
        String room = api.createRoom(ann, "shop");
        WsClient annLive = connect(ann);
        annLive.join(room);

        Response first = backend("/api/server/publish", message(room, "shipped", "order-7"));
        Response again = backend("/api/server/publish", message(room, "shipped", "order-7"));
        Response other = backend("/api/server/publish", message(room, "delivered", "order-7-delivered"));

        assertEquals(200, again.status());
        assertEquals(first.body().path("id").asText(), again.body().path("id").asText());
        assertEquals(first.body().path("seq").asLong(), again.body().path("seq").asLong());
        assertEquals(2, other.body().path("seq").asLong(), "the retry took no seq");
        annLive.awaitMessages(2);
        annLive.send(Map.of("action", "ping"));
        annLive.awaitType("pong");
        assertEquals(List.of("shipped", "delivered"), annLive.chatMessages().stream()
                .map(frame -> frame.path("content").asText()).toList());
        assertEquals(2, api.history(room, ann.token()).size());
    }

    @Test
    void aBatchIsAnsweredMessageByMessageInOrderAndABatchTooLongIsRefusedWhole() {
        Account ann = api.register("ann");
        String room = api.createRoom(ann, "shop");
        Map<String, Object> malformed = message(room, "no sender", null);
        malformed.remove("sender");

        Response batch = backend("/api/server/publish/batch", Map.of("messages", List.of(
                message(room, "one", "b-1"),
                message("no-such-room", "lost", "b-2"),
                malformed,
                message(room, "x".repeat(10_001), "b-4"),
                message(room, "two", "b-5"))));

        assertEquals(200, batch.status(), batch.body().toString());
        JsonNode results = batch.body().path("results");
        assertEquals(5, results.size());
        assertEquals("accepted", results.get(0).path("status").asText());
        assertEquals(1, results.get(0).path("message").path("seq").asLong());
        assertEquals("refused", results.get(1).path("status").asText());
        assertEquals("not_found", results.get(1).path("code").asText());
        assertEquals("invalid_field", results.get(2).path("code").asText());
        assertEquals("content_too_long", results.get(3).path("code").asText());
        assertEquals(2, results.get(4).path("message").path("seq").asLong());
        assertEquals(List.of("one", "two"), api.history(room, ann.token()).stream()
                .map(message -> message.path("content").asText()).toList());

        List<Object> tooMany = new ArrayList<>();
        for (int i = 0; i <= 100; i++) {
            tooMany.add(message(room, "m" + i, null));
        }
        Response refused = backend("/api/server/publish/batch", Map.of("messages", tooMany));
        assertEquals(422, refused.status());
        assertTrue(refused.detail().contains("at most 100"), refused.detail());
        assertEquals(2, api.history(room, ann.token()).size(), "nothing of a refused batch was stored");
    }

    @Test
    void aMissingOrWrongKeyOrAUsersTokenIs401AndBothKeysWorkInEitherHeader() {
        Account ann = api.register("ann");
        String room = api.createRoom(ann, "shop");

        Response missing = api.post("/api/server/publish", message(room, "hi", null), null);
        Response wrong = api.post("/api/server/publish", message(room, "hi", null), KEY + "x");
        Response userToken = api.post("/api/server/publish", message(room, "hi", null), ann.token());
        Response userReadsHistory = api.get("/api/server/rooms/" + room + "/messages", ann.token());
        Response wrongKeyBadBody = api.postRaw("/api/server/publish", "{not json", KEY + "x");

        for (Response refused : List.of(missing, wrong, userToken, userReadsHistory, wrongKeyBadBody)) {
            assertEquals(401, refused.status());
            assertEquals("unauthenticated", refused.code());
            assertTrue(refused.detail().contains("API key"), refused.detail());
        }
        Response byBearer = api.post("/api/server/publish", message(room, "by the first key", null), KEY);
        Response byHeader = api.send(api.request("/api/server/publish", null).header("X-Relay-Api-Key", NEXT_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Api.write(message(room, "by the second key", null)))));
        assertEquals(200, byBearer.status());
        assertEquals(200, byHeader.status());
        assertEquals(2, api.history(room, ann.token()).size());
    }

    @Test
    void anAddressThatKeepsGuessingIsRefused429EvenWithTheRightKeyAndABodyOverTheLimitIs413() {
        for (int i = 0; i < 30; i++) {
            assertEquals(401, api.get("/api/server/rooms/any/presence", "guess-" + i).status());
        }

        Response locked = api.get("/api/server/rooms/any/presence", KEY);

        assertEquals(429, locked.status());
        assertEquals("rate_limited", locked.code());
        assertTrue(Integer.parseInt(locked.header("Retry-After")) >= 1, locked.header("Retry-After"));

        try (RunningServer other = RunningServer.start(Map.of("RELAY_API_KEY", KEY))) {
            Response tooLarge = new Api(other).postRaw("/api/server/publish",
                    "{\"content\": \"" + "x".repeat(1024 * 1024) + "\"}", KEY);
            assertEquals(413, tooLarge.status());
            assertEquals("payload_too_large", tooLarge.code());
        }
    }

    @Test
    void withoutAKeyTheServerApiIsNotThere() {
        try (RunningServer off = RunningServer.start()) {
            Api offApi = new Api(off);
            Account ann = offApi.register("ann");
            String room = offApi.createRoom(ann, "shop");

            Response publish = offApi.post("/api/server/publish", message(room, "hi", null), KEY);
            Response presence = offApi.get("/api/server/rooms/" + room + "/presence", KEY);

            assertEquals(404, publish.status());
            assertEquals(404, presence.status());
            assertEquals("Not Found", publish.detail());
        }
    }

    @Test
    void aRoomCreatedWithMembersGetsMoreAndARemovedMemberStopsReceivingAtOnceAndLosesHistory() {
        Account ann = api.register("ann");
        Account bob = api.register("bob");
        Account carol = api.register("carol");

        Response created = backend("/api/server/rooms", Map.of("name", "support", "type", "private",
                "members", List.of(ann.id(), "no-such-user")));
        assertEquals(200, created.status(), created.body().toString());
        String room = created.body().path("id").asText();
        assertEquals("private", created.body().path("type").asText());
        assertEquals(List.of(ann.id()), ids(created.body().path("members")), "an unknown id is dropped");

        Response added = backend("/api/server/rooms/" + room + "/members/add", Map.of("user_ids", List.of(bob.id(), carol.id())));
        assertEquals(List.of(ann.id(), bob.id(), carol.id()), ids(added.body().path("members")));
        WsClient annLive = connect(ann);
        annLive.join(room);
        WsClient bobLive = connect(bob);
        bobLive.join(room);
        backend("/api/server/publish", message(room, "before", null));
        bobLive.awaitMessages(1);
        annLive.awaitMessages(1);

        Response removed = backend("/api/server/rooms/" + room + "/members/remove", Map.of("user_ids", List.of(bob.id())));

        assertEquals(200, removed.status(), removed.body().toString());
        assertEquals(List.of(ann.id(), carol.id()), ids(removed.body().path("members")));
        backend("/api/server/publish", message(room, "after", null));
        annLive.awaitMessages(2);
        bobLive.send(Map.of("action", "ping"));
        bobLive.awaitType("pong");
        assertEquals(List.of("before"), bobLive.chatMessages().stream().map(frame -> frame.path("content").asText()).toList());
        assertEquals(403, api.get("/api/rooms/" + room + "/messages", bob.token()).status());
        assertEquals(404, backend("/api/server/rooms/no-such-room/members/add", Map.of("user_ids", List.of(bob.id()))).status());
        assertEquals(404, backend("/api/server/rooms/no-such-room/members/remove", Map.of("user_ids", List.of(bob.id()))).status());
    }

    @Test
    void aDisconnectedUsersWebSocketsAllCloseWith4001AndOthersStay() {
        Account ann = api.register("ann");
        Account bob = api.register("bob");
        WsClient bobOnPhone = connect(bob);
        WsClient bobOnLaptop = connect(bob);
        WsClient annLive = connect(ann);
        bobOnPhone.send(Map.of("action", "ping"));
        bobOnPhone.awaitType("pong");
        bobOnLaptop.send(Map.of("action", "ping"));
        bobOnLaptop.awaitType("pong");

        Response disconnected = backend("/api/server/users/" + bob.id() + "/disconnect", null);

        assertEquals(200, disconnected.status(), disconnected.body().toString());
        assertEquals(2, disconnected.body().path("closed_here").asInt());
        assertEquals(4001, bobOnPhone.awaitCloseCode());
        assertEquals(4001, bobOnLaptop.awaitCloseCode());
        assertEquals("Disconnected by the server", bobOnPhone.closeReason());
        annLive.send(Map.of("action", "ping"));
        annLive.awaitType("pong");
        assertFalse(annLive.isClosed());
    }

    @Test
    void presenceAndHistoryOfARoomAreReadWithoutMembershipAndAnUnknownRoomIs404() {
        Account ann = api.register("ann");
        String room = api.createRoom(ann, "shop");
        WsClient annLive = connect(ann);
        annLive.join(room);
        for (int i = 1; i <= 5; i++) {
            backend("/api/server/publish", message(room, "m" + i, null));
        }

        Response presence = api.get("/api/server/rooms/" + room + "/presence", KEY);
        Response page = api.get("/api/server/rooms/" + room + "/messages?limit=2&before_seq=5", KEY);
        Response badLimit = api.get("/api/server/rooms/" + room + "/messages?limit=0", KEY);
        Response badCursor = api.get("/api/server/rooms/" + room + "/messages?before=yesterday", KEY);

        assertEquals(200, presence.status());
        assertEquals("ann", presence.body().path("online_users").path(ann.id()).asText());
        assertEquals(room, presence.body().path("room_id").asText());
        assertEquals(List.of("m3", "m4"), contents(page.body()));
        assertEquals(422, badLimit.status());
        assertEquals(422, badCursor.status());
        assertTrue(badCursor.detail().contains("'before' must be an ISO-8601 timestamp"), badCursor.detail());
        assertEquals(404, api.get("/api/server/rooms/no-such-room/presence", KEY).status());
        assertEquals(404, api.get("/api/server/rooms/no-such-room/messages", KEY).status());
        assertEquals("Room not found", backend("/api/server/publish", message("no-such-room", "hi", null)).detail());
    }

    private static List<String> ids(JsonNode list) {
        List<String> ids = new ArrayList<>();
        list.forEach(id -> ids.add(id.asText()));
        return ids;
    }

    private static List<String> contents(JsonNode messages) {
        List<String> contents = new ArrayList<>();
        messages.forEach(message -> contents.add(message.path("content").asText()));
        return contents;
    }
}
