package io.relaychat.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaychat.server.Api.Account;
import io.relaychat.testkit.Await;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Leaving a room through one node, as the other nodes of the service see it: two nodes sharing one store (the
 * MongoDB-compatible server in this JVM) and one real redis-server.
 */
@IntegrationTest
class MultiNodeLeaveTest {
    @RegisterExtension
    final Nodes nodes = Nodes.onOneRedis();

    /** ann on node a, carol and bob on node b, all three in one room and joined to it. */
    private record ThreeInARoom(Api onA, Api onB, Account bob, Account carol, String room,
                                WsClient annOnA, WsClient carolOnB, WsClient bobOnB) {
    }

    private ThreeInARoom threeInARoom(String name) {
        RunningServer a = nodes.node();
        RunningServer b = nodes.node();
        Api onA = new Api(a);
        Api onB = new Api(b);
        Account ann = onA.register("ann");
        Account bob = onA.register("bob");
        Account carol = onA.register("carol");
        String room = onA.createRoom(ann, name, bob, carol);
        WsClient annOnA = nodes.connect(a, ann);
        annOnA.join(room);
        WsClient carolOnB = nodes.connect(b, carol);
        carolOnB.join(room);
        WsClient bobOnB = nodes.connect(b, bob);
        bobOnB.join(room);
        return new ThreeInARoom(onA, onB, bob, carol, room, annOnA, carolOnB, bobOnB);
    }

    private static boolean isPresence(JsonNode frame, String room) {
        return frame.path("type").asText().equals("presence_update") && frame.path("room_id").asText().equals(room);
    }

    @Test
    void aUserWhoLeftOnOneNodeStopsReceivingAndSendingTheRoomOnTheOther() {
        ThreeInARoom three = threeInARoom("spread");
        Api onA = three.onA();
        Api onB = three.onB();
        Account bob = three.bob();
        Account carol = three.carol();
        String room = three.room();
        WsClient annOnA = three.annOnA();
        WsClient carolOnB = three.carolOnB();
        WsClient bobOnB = three.bobOnB();
        bobOnB.say(room, "bob was here"); // node b now knows bob as a member of the room
        annOnA.awaitMessages(1);
        carolOnB.awaitMessages(1);
        annOnA.awaitFrame("presence with bob", frame -> isPresence(frame, room) && frame.path("online_users").has(bob.id()));
        carolOnB.awaitFrame("presence with bob", frame -> isPresence(frame, room) && frame.path("online_users").has(bob.id()));
        assertEquals(200, onB.get("/api/rooms/" + room + "/messages", bob.token()).status());
        annOnA.clear();
        carolOnB.clear();

        assertEquals(200, onA.post("/api/rooms/" + room + "/leave", null, bob.token()).status());

        carolOnB.awaitFrame("node b's presence without bob", frame -> isPresence(frame, room)
                && frame.path("online_users").has(carol.id()) && !frame.path("online_users").has(bob.id()));
        bobOnB.send(Map.of("action", "send_message", "room_id", room, "content", "let me back", "client_id", "c-9"));
        JsonNode refused = bobOnB.nextError(0);
        assertEquals("not_member", refused.path("code").asText());
        assertEquals("c-9", refused.path("client_id").asText());
        assertEquals(403, onB.get("/api/rooms/" + room + "/messages", bob.token()).status());

        annOnA.say(room, "after bob left");
        carolOnB.awaitMessages(1);
        bobOnB.send(Map.of("action", "ping"));
        bobOnB.awaitType("pong"); // node b wrote it after anything the room sent this socket before
        assertEquals(List.of("bob was here"), bobOnB.chatMessages().stream()
                .map(frame -> frame.path("content").asText()).toList(), "bob's socket on node b still got the room");
        annOnA.awaitFrame("node a's presence without bob", frame -> isPresence(frame, room)
                && !frame.path("online_users").has(bob.id()) && frame.path("online_users").has(carol.id()));
    }

    /**
     * Node b remembers bob as a member of a room none of its sockets is in, so it hears nothing on that room's
     * channel: it must not believe what it remembers.
     */
    @Test
    void aNodeWithNoSocketInTheRoomDoesNotBelieveAMembershipItRemembers() {
        RunningServer a = nodes.node();
        RunningServer b = nodes.node();
        Api onA = new Api(a);
        Api onB = new Api(b);
        Account ann = onA.register("ann");
        Account bob = onA.register("bob");
        String room = onA.createRoom(ann, "quiet", bob);
        WsClient bobOnB = nodes.connect(b, bob);
        bobOnB.say(room, "from a socket not in the room"); // node b reads and remembers the room, bob a member
        bobOnB.awaitMessages(1);
        assertEquals(200, onB.get("/api/rooms/" + room + "/messages", bob.token()).status());

        assertEquals(200, onA.post("/api/rooms/" + room + "/leave", null, bob.token()).status());

        assertEquals(403, onB.get("/api/rooms/" + room + "/messages", bob.token()).status());
        bobOnB.say(room, "still in?");
        assertEquals("not_member", bobOnB.nextError(0).path("code").asText());
        bobOnB.send(Map.of("action", "join_room", "room_id", room));
        assertEquals("not_member", bobOnB.nextError(1).path("code").asText());
    }

    /**
     * Redis is down while bob leaves through node a: node b cannot hear of it then, so it believes nothing it
     * remembers while the bus is away, and once Redis is back it reads the room again and bob's socket leaves it.
     */
    @Test
    void aLeaveDuringARedisOutageReachesTheOtherNodeOnceRedisIsBack() {
        ThreeInARoom three = threeInARoom("outage");
        Api onA = three.onA();
        Api onB = three.onB();
        Account bob = three.bob();
        Account carol = three.carol();
        String room = three.room();
        WsClient annOnA = three.annOnA();
        WsClient carolOnB = three.carolOnB();
        WsClient bobOnB = three.bobOnB();
        carolOnB.awaitFrame("presence with bob", frame -> isPresence(frame, room) && frame.path("online_users").has(bob.id()));

        nodes.services().redis.kill();
        Await.until("node b sees Redis gone", () -> onB.get("/api/health", null).body().path("status").asText()
                .equals("degraded"));
        assertEquals(200, onA.post("/api/rooms/" + room + "/leave", null, bob.token()).status());
        bobOnB.say(room, "sent while node b could not hear");
        assertEquals("not_member", bobOnB.nextError(0).path("code").asText(), "node b believed what it remembered");
        carolOnB.clear();
        nodes.services().redis.restart();

        carolOnB.awaitFrame("node b's presence without bob", frame -> isPresence(frame, room)
                && frame.path("online_users").has(carol.id()) && !frame.path("online_users").has(bob.id()));
        annOnA.say(room, "after bob left");
        carolOnB.awaitMessages(1);
        bobOnB.send(Map.of("action", "ping"));
        bobOnB.awaitType("pong");
        assertEquals(List.of(), bobOnB.chatMessages(), "bob's socket on node b still got the room");
    }
}
