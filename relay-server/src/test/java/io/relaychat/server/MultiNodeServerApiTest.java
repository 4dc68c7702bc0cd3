package io.relaychat.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaychat.server.Api.Account;
import io.relaychat.server.Api.Response;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The server API called on one node as the users of another see it: two nodes sharing one store (the
 * MongoDB-compatible server in this JVM) and one real redis-server.
 */
@IntegrationTest
class MultiNodeServerApiTest {
    @RegisterExtension
    final Nodes nodes = Nodes.onOneRedis();
    private RunningServer a;
    private RunningServer b;

    @BeforeEach
    void startTwoNodes() {
        a = nodes.node("RELAY_API_KEY", ServerApiTest.KEY);
        b = nodes.node("RELAY_API_KEY", ServerApiTest.KEY);
    }

    private static Response publish(Api on, String room, String content) {
        return on.post("/api/server/publish", ServerApiTest.message(room, content, null), ServerApiTest.KEY);
    }

    private static List<String> contents(WsClient client) {
        return client.chatMessages().stream().map(frame -> frame.path("content").asText()).toList();
    }

    @Test
    void messagesPublishedOneByOneAndInABatchOnOneNodeReachAMemberOnTheOtherOnceInOrder() {
        Api onA = new Api(a);
        Account ann = onA.register("ann");
        List<String> rooms = new ArrayList<>();
        List<WsClient> annOnB = new ArrayList<>();
        // Several rooms, so that some are stored by node a and some by node b, which a forwards to.
        for (int i = 0; i < 4; i++) {
            String room = onA.createRoom(ann, "shop-" + i);
            rooms.add(room);
            WsClient live = nodes.connect(b, ann);
            live.join(room);
            annOnB.add(live);
        }

        for (String room : rooms) {
            assertEquals(200, publish(onA, room, "first").status());
            assertEquals(200, publish(onA, room, "second").status());
        }
        // One batch through node a across all the rooms, those node b stores among them, ids repeated for a retry.
        List<Object> batch = new ArrayList<>();
        for (int i = 0; i < rooms.size(); i++) {
            batch.add(ServerApiTest.message(rooms.get(i), "third", "batch-" + i));
            batch.add(ServerApiTest.message(rooms.get(i), "fourth", "batch-more-" + i));
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            Response answered = onA.post("/api/server/publish/batch", Map.of("messages", batch), ServerApiTest.KEY);
            assertEquals(200, answered.status(), answered.body().toString());
            JsonNode results = answered.body().path("results");
            for (int i = 0; i < batch.size(); i++) {
                assertEquals("accepted", results.get(i).path("status").asText(), results.toString());
                assertEquals(3 + i % 2, results.get(i).path("message").path("seq").asLong(), results.toString());
            }
        }

        for (int i = 0; i < rooms.size(); i++) {
            annOnB.get(i).awaitMessages(4);
            annOnB.get(i).send(Map.of("action", "ping"));
            annOnB.get(i).awaitType("pong");
            assertEquals(List.of("first", "second", "third", "fourth"), contents(annOnB.get(i)));
            assertEquals(List.of(1L, 2L, 3L, 4L), annOnB.get(i).seqs());
        }
    }

    @Test
    void aRoomMadeAndFilledOnOneNodeIsJoinedReadAndSeenOnlineThroughTheOther() {
        Api onA = new Api(a);
        Api onB = new Api(b);
        Account ann = onA.register("ann");
        Account bob = onA.register("bob");
        Response created = onA.post("/api/server/rooms", Map.of("name", "orders", "type", "private",
                "members", List.of(ann.id())), ServerApiTest.KEY);
        assertEquals(200, created.status(), created.body().toString());
        String room = created.body().path("id").asText();
        Response added = onA.post("/api/server/rooms/" + room + "/members/add", Map.of("user_ids", List.of(bob.id())),
                ServerApiTest.KEY);
        assertEquals(200, added.status(), added.body().toString());

        WsClient annOnA = nodes.connect(a, ann);
        annOnA.join(room);
        WsClient bobOnB = nodes.connect(b, bob);
        bobOnB.join(room);
        bobOnB.awaitFrame("both online, as node b sees it", frame -> frame.path("type").asText()
                .equals("presence_update") && frame.path("online_users").has(ann.id())
                && frame.path("online_users").has(bob.id()));
        Response online = onB.get("/api/server/rooms/" + room + "/presence", ServerApiTest.KEY);
        assertEquals(200, online.status(), online.body().toString());
        assertEquals("ann", online.body().path("online_users").path(ann.id()).asText(), online.body().toString());
        assertEquals("bob", online.body().path("online_users").path(bob.id()).asText(), online.body().toString());

        publish(onB, room, "shipped, through b");
        publish(onA, room, "delivered, through a");
        annOnA.awaitMessages(2);
        bobOnB.awaitMessages(2);
        assertEquals(List.of("shipped, through b", "delivered, through a"), contents(annOnA));
        assertEquals(contents(annOnA), contents(bobOnB));
        Response history = onB.get("/api/server/rooms/" + room + "/messages", ServerApiTest.KEY);
        assertEquals(200, history.status(), history.body().toString());
        List<String> stored = new ArrayList<>();
        history.body().forEach(message -> stored.add(message.path("seq").asLong() + " " + message.path("content").asText()));
        assertEquals(List.of("1 shipped, through b", "2 delivered, through a"), stored);
    }

    @Test
    void givenMessagesPublishedThroughBothNodes_whenHistoryIsPagedThroughOne_thenThePagesGoBackToSeqOneWithoutAGapOrARepeat() {
        Api onA = new Api(a);
        Api onB = new Api(b);
        Account ann = onA.register("ann");
        int count = 23;
        int limit = 5; // pages of 5, 5, 5, 5 and 3
        // Several rooms, so that some are stored by node a and some by node b.
        for (int r = 0; r < 4; r++) {
            String room = onA.createRoom(ann, "orders-" + r);
            List<String> published = new ArrayList<>();
            for (int seq = 1; seq <= count; seq++) {
                String content = "order " + seq + (seq % 2 == 0 ? ", through b" : ", through a");
                Response answered = publish(seq % 2 == 0 ? onB : onA, room, content);
                assertEquals(200, answered.status(), answered.body().toString());
                assertEquals(seq, answered.body().path("seq").asLong(), answered.body().toString());
                published.add(content);
            }

            List<String> readBack = new ArrayList<>();
            long newestExpected = count;
            String cursor = "";
            while (true) {
                Response page = onB.get("/api/server/rooms/" + room + "/messages?limit=" + limit + cursor,
                        ServerApiTest.KEY);
                assertEquals(200, page.status(), page.body().toString());
                if (page.body().isEmpty()) {
                    break;
                }
                List<Long> seqs = new ArrayList<>();
                List<String> contents = new ArrayList<>();
                page.body().forEach(message -> {
                    seqs.add(message.path("seq").asLong());
                    contents.add(message.path("content").asText());
                });
                assertEquals(LongStream.rangeClosed(Math.max(1, newestExpected - limit + 1), newestExpected).boxed()
                        .toList(), seqs, "the page before seq " + (newestExpected + 1) + ": the next " + limit
                        + " older, oldest first");
                readBack.addAll(0, contents);
                newestExpected = seqs.get(0) - 1;
                cursor = "&before_seq=" + seqs.get(0);
            }
            assertEquals(0, newestExpected, "paged back to seq 1");
            assertEquals(published, readBack,
                    "every message, whichever node it was published through, once, in seq order");
        }
    }

    @Test
    void aMemberRemovedOnOneNodeStopsReceivingOnTheOtherAtOnce() {
        Api onA = new Api(a);
        Api onB = new Api(b);
        Account ann = onA.register("ann");
        Account bob = onA.register("bob");
        Account carol = onA.register("carol");
        String room = onA.createRoom(ann, "support", bob, carol);
        WsClient annOnA = nodes.connect(a, ann);
        annOnA.join(room);
        WsClient bobOnB = nodes.connect(b, bob);
        bobOnB.join(room);
        WsClient carolOnB = nodes.connect(b, carol);
        carolOnB.join(room);
        publish(onA, room, "before");
        bobOnB.awaitMessages(1);
        annOnA.awaitMessages(1);
        carolOnB.awaitMessages(1);

        Response removed = onA.post("/api/server/rooms/" + room + "/members/remove",
                Map.of("user_ids", List.of(bob.id())), ServerApiTest.KEY);
        assertEquals(200, removed.status(), removed.body().toString());

        // carol, on node b too and still a member, sees node b take bob's socket out of the room.
        carolOnB.awaitFrame("node b's presence without bob", frame -> frame.path("type").asText().equals("presence_update")
                && frame.path("room_id").asText().equals(room) && frame.path("online_users").has(carol.id())
                && !frame.path("online_users").has(bob.id()));
        publish(onB, room, "after, through b");
        publish(onA, room, "after, through a");
        annOnA.awaitMessages(3);
        carolOnB.awaitMessages(3);
        bobOnB.send(Map.of("action", "ping"));
        bobOnB.awaitType("pong");
        assertEquals(List.of("before"), contents(bobOnB));
        assertEquals(403, onB.get("/api/rooms/" + room + "/messages", bob.token()).status());
    }

    @Test
    void aDisconnectOnOneNodeClosesTheUsersWebSocketsOnTheOtherEvenOutsideAnyRoom() {
        Api onA = new Api(a);
        Account ann = onA.register("ann");
        Account bob = onA.register("bob");
        String room = onA.createRoom(ann, "support", bob);
        WsClient bobInARoom = nodes.connect(b, bob);
        bobInARoom.join(room);
        WsClient bobInNoRoom = nodes.connect(b, bob);
        bobInNoRoom.send(Map.of("action", "ping"));
        bobInNoRoom.awaitType("pong");
        WsClient annOnB = nodes.connect(b, ann);
        annOnB.join(room);

        Response disconnected = onA.post("/api/server/users/" + bob.id() + "/disconnect", null, ServerApiTest.KEY);

        assertEquals(200, disconnected.status(), disconnected.body().toString());
        assertEquals(0, disconnected.body().path("closed_here").asInt(), "node a had none of bob's");
        assertEquals(4001, bobInARoom.awaitCloseCode());
        assertEquals(4001, bobInNoRoom.awaitCloseCode());
        JsonNode left = annOnB.awaitFrame("presence without bob", frame -> frame.path("type").asText()
                .equals("presence_update") && !frame.path("online_users").has(bob.id()));
        assertEquals(room, left.path("room_id").asText());
        assertFalse(annOnB.isClosed());
    }
}
