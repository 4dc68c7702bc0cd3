package io.relaychat.server;

import io.relaychat.client.Ack;
import io.relaychat.client.ChatMessage;
import io.relaychat.client.ConnectionEvent;
import io.relaychat.client.Credentials;
import io.relaychat.client.RelayClient;
import io.relaychat.client.RelayException;
import io.relaychat.client.Room;
import io.relaychat.client.User;
import io.relaychat.testkit.Await;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java client (relay-client) against the real server on loopback: signing up and in, rooms over REST, two users
 * chatting over their WebSockets, and a close that leaves nothing running.
 */
@IntegrationTest
class RelayClientTest {
    private static final int EACH = 15;

    @Test
    void givenTwoUsersInARoom_whenBothSend_thenEachSeesEveryMessageOnceInSeqOrderAndCloseLeavesNoThreads() {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        try (RunningServer server = RunningServer.start()) {
            URI endpoint = URI.create(server.http());
            Api.Account bobAccount = new Api(server).register("bob");
            ClientInbox annSaw = new ClientInbox("ann");
            ClientInbox bobSaw = new ClientInbox("bob");
            RelayClient ann = RelayClient.builder().endpoint(endpoint)
                    .credentials(Credentials.register("ann@example.com", "ann", "password-of-ann")).listener(annSaw).connect();
            RelayClient bob = RelayClient.connect(endpoint, Credentials.password(bobAccount.email(), "password-of-bob"), bobSaw);
            try {
                User me = ann.rest().me();
                assertEquals("ann", me.username());
                assertEquals(me.id(), ann.user().id());
                Room room = ann.rest().createRoom("tea", Room.GROUP, List.of(bobAccount.id()));
                assertEquals(List.of(room.id()), bob.rest().rooms().stream().map(Room::id).toList());

                Await.result(ann.follow(room.id()));
                Await.result(bob.follow(room.id()));
                List<CompletableFuture<Ack>> annAcks = new ArrayList<>();
                List<CompletableFuture<Ack>> bobAcks = new ArrayList<>();
                for (int i = 0; i < EACH; i++) {
                    annAcks.add(ann.send(room.id(), "ann " + i).toCompletableFuture());
                    bobAcks.add(bob.send(room.id(), "bob " + i).toCompletableFuture());
                }
                allAcknowledgedIn(annAcks, room);
                allAcknowledgedIn(bobAcks, room);
                annSaw.awaitMessages(room.id(), 2 * EACH, Duration.ofSeconds(10));
                bobSaw.awaitMessages(room.id(), 2 * EACH, Duration.ofSeconds(10));

                List<Long> all = LongStream.rangeClosed(1, 2 * EACH).boxed().toList();
                assertEquals(all, annSaw.seqs(room.id()), "ann: every message once, in seq order");
                assertEquals(all, bobSaw.seqs(room.id()), "bob: every message once, in seq order");
                assertEquals(contents(annSaw.messages(room.id())), contents(bobSaw.messages(room.id())));
                assertEquals(inOrder("ann"), contents(annSaw.messages(room.id())).stream()
                        .filter(text -> text.startsWith("ann")).toList(), "one sender's messages keep their order");
                Set<Long> ackedSeqs = new HashSet<>();
                annAcks.forEach(ack -> ackedSeqs.add(ack.join().seq()));
                bobAcks.forEach(ack -> ackedSeqs.add(ack.join().seq()));
                assertEquals(new HashSet<>(all), ackedSeqs, "each send acknowledged with its own seq");
                ChatMessage annFirst = annSaw.messages(room.id()).stream().filter(m -> m.content().equals("ann 0"))
                        .findFirst().orElseThrow();
                assertEquals(annAcks.get(0).join().messageId(), annFirst.id(), "the ack names the stored message");
                assertEquals(1, annSaw.threads.size(), "one listener thread: " + annSaw.threads);

                // History over REST, in pages both ways.
                assertEquals(all, seqs(ann.rest().history(room.id(), 50)));
                assertEquals(LongStream.rangeClosed(21, 30).boxed().toList(), seqs(ann.rest().historyAfter(room.id(), 20, 10)));
                assertEquals(LongStream.rangeClosed(1, 10).boxed().toList(), seqs(ann.rest().historyBefore(room.id(), 11, 10)));

                // Typing and presence reach the other user.
                Await.until("ann sees bob online", () -> annSaw.presence.stream()
                        .anyMatch(update -> update.roomId().equals(room.id()) && update.onlineUsers().containsKey(bobAccount.id())));
                bob.typing(room.id());
                Await.until("bob's typing reaches ann",
                        () -> annSaw.typing.stream().anyMatch(typing -> typing.userId().equals(bobAccount.id())));

                // Refusals are the protocol's codes.
                RelayException notMember = assertThrows(RelayException.class,
                        () -> ann.rest().leaveRoom("no-such-room"));
                assertEquals("not_member", notMember.code());
                RelayException refusedFollow = (RelayException) Await.failure(ann.follow("no-such-room"));
                assertEquals("not_member", refusedFollow.code());
                RelayException tooLong = (RelayException) Await.failure(ann.send(room.id(), "x".repeat(4001)));
                assertEquals("content_too_long", tooLong.code());
            } finally {
                ann.close();
                bob.close();
            }
            assertTrue(annSaw.connection.get(annSaw.connection.size() - 1) instanceof ConnectionEvent.Closed,
                    "the last event is Closed: " + annSaw.connection);
            assertEquals(1, annSaw.connects(), "one WebSocket for the whole conversation");
            Await.until("the clients' threads are gone", () -> Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(thread -> thread.getName().startsWith("relay-client-")));
            RelayException closed = (RelayException) Await.failure(ann.send("any", "after close"));
            assertEquals(RelayException.CLIENT_CLOSED, closed.code());
        }
        Await.until("no thread that would keep the JVM up is left", Duration.ofSeconds(15),
                () -> nonDaemonThreadsSince(before).isEmpty());
    }

    private static void allAcknowledgedIn(List<CompletableFuture<Ack>> acks, Room room) {
        for (CompletableFuture<Ack> ack : acks) {
            assertEquals(room.id(), Await.result(ack).roomId());
        }
    }

    private static List<String> inOrder(String sender) {
        return LongStream.range(0, EACH).mapToObj(i -> sender + " " + i).toList();
    }

    private static List<String> contents(List<ChatMessage> messages) {
        return messages.stream().map(ChatMessage::content).toList();
    }

    private static List<Long> seqs(List<ChatMessage> messages) {
        return messages.stream().map(ChatMessage::seq).toList();
    }

    private static Set<String> nonDaemonThreadsSince(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && !thread.isDaemon() && !before.contains(thread))
                .map(Thread::getName).collect(Collectors.toSet());
    }
}
