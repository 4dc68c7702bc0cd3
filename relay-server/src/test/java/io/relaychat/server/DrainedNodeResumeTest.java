package io.relaychat.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaychat.server.Api.Account;
import io.relaychat.testkit.Await;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two nodes as one service (one store, one real redis-server); one of them is stopped gracefully while its
 * clients are sending, and they move to the other, resuming with {@code since_seq} and retrying what was not
 * acknowledged with the same {@code client_id}, as a client should.
 */
@IntegrationTest
class DrainedNodeResumeTest {
    private static final int SENDERS = 3;
    private static final int MESSAGES_EACH = 60;
    /** Sends a sender keeps unacknowledged at most: enough for some to be in flight whenever the drain comes. */
    private static final int WINDOW = 8;

    private SharedServices services;
    private Map<String, String> env;
    private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startServices() {
        services = SharedServices.start();
        env = services.nodeEnv(
                "RELAY_SHUTDOWN_GRACE_SECONDS", "4",
                "RELAY_SHUTDOWN_SPREAD_SECONDS", "1");
    }

    @AfterEach
    void stopServices() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
        services.close();
    }

    @Test
    void givenClientsSendingOnANodeThatIsDrained_whenTheyResumeOnTheOther_thenEveryMessageArrivesOnceInOrder() {
        RunningServer a = RunningServer.start(env);
        AtomicBoolean aStopped = new AtomicBoolean();
        toClose.add(() -> {
            if (aStopped.compareAndSet(false, true)) {
                a.close();
            }
        });
        RunningServer b = RunningServer.start(env);
        toClose.add(0, b);
        Api api = new Api(b);
        Account owner = api.register("owner");
        List<Account> senders = new ArrayList<>();
        for (int i = 0; i < SENDERS; i++) {
            senders.add(api.register("sender" + i));
        }
        String room = api.createRoom(owner, "busy", senders.toArray(Account[]::new));

        Resuming listenerOnB = new Resuming(owner, room, () -> b);
        Resuming listenerOnA = new Resuming(owner, room, () -> a);
        List<Resuming> sendersOnA = new ArrayList<>();
        for (Account sender : senders) {
            sendersOnA.add(new Resuming(sender, room, () -> a));
        }
        List<Resuming> everyone = new ArrayList<>(sendersOnA);
        everyone.add(listenerOnA);
        everyone.add(listenerOnB);
        everyone.forEach(client -> client.moveTo(() -> b)); // where each goes once its node has closed it

        List<CompletableFuture<Void>> sending = new ArrayList<>();
        for (Resuming sender : sendersOnA) {
            sending.add(CompletableFuture.runAsync(() -> sender.sendAll(MESSAGES_EACH)));
        }
        Await.until("a third of the messages are sent", Duration.ofSeconds(30),
                () -> listenerOnB.current().chatMessages().size() >= SENDERS * MESSAGES_EACH / 3);
        long drainStarted = System.nanoTime();
        aStopped.set(true);
        a.close(); // the graceful stop, while the senders go on
        long drainMillis = (System.nanoTime() - drainStarted) / 1_000_000;
        listenerOnA.resumeIfClosed();
        sending.forEach(CompletableFuture::join);

        int total = SENDERS * MESSAGES_EACH;
        List<Long> all = LongStream.rangeClosed(1, total).boxed().toList();
        for (Resuming client : everyone) {
            Await.until(client.name() + " has every message", Duration.ofSeconds(20), () -> {
                client.resumeIfClosed();
                return client.stream().size() >= total;
            });
            assertEquals(all, client.seqs(), client.name() + ": every acknowledged message once, in seq order, no gap");
        }
        for (Resuming sender : sendersOnA) {
            assertEquals(MESSAGES_EACH, sender.acknowledged().size(), sender.name() + ": every send acknowledged");
            assertTrue(sender.connections() >= 2, sender.name() + " was moved to the other node");
            assertEquals(List.of(), sender.acknowledgedOnlyAfterTheMove(),
                    sender.name() + ": every send the drained node took was acknowledged before it closed");
        }
        System.out.printf("drained a node in %d ms while %d senders sent %d messages; retries after the move: %s%n",
                drainMillis, SENDERS, total, sendersOnA.stream().map(Resuming::retries).toList());
    }

    /**
     * A client that follows one room over reconnects: once its node closes it, it connects to the next node,
     * joins with {@code since_seq} of the last seq it saw, waits until the resumed backlog is in (its second
     * join's greeting comes after it: a connection's requests are taken in order), and sends again with the same
     * {@code client_id} whatever it sent that was not acknowledged. A retry of a send that had been stored would
     * be echoed once more, a repeat: a graceful drain acknowledges every send it took before it closes, so none
     * is expected.
     */
    private final class Resuming {
        private final Account account;
        private final String room;
        private final List<WsClient> connections = new CopyOnWriteArrayList<>();
        private final Map<String, Integer> retried = new ConcurrentHashMap<>();
        /** For each client_id, the connections (by their index) it was sent on. */
        private final Map<String, List<Integer>> sentOn = new ConcurrentHashMap<>();
        private Supplier<RunningServer> next;

        Resuming(Account account, String room, Supplier<RunningServer> node) {
            this.account = account;
            this.room = room;
            connect(node.get(), null);
        }

        String name() {
            return account.username();
        }

        void moveTo(Supplier<RunningServer> node) {
            next = node;
        }

        WsClient current() {
            return connections.get(connections.size() - 1);
        }

        int connections() {
            return connections.size();
        }

        Map<String, Integer> retries() {
            return retried;
        }

        private void connect(RunningServer node, Long sinceSeq) {
            WsClient socket = WsClient.connect(node.ws(account.token()));
            toClose.add(0, socket);
            connections.add(socket);
            Map<String, Object> join = new HashMap<>(Map.of("action", "join_room", "room_id", room));
            if (sinceSeq != null) {
                join.put("since_seq", sinceSeq);
            }
            socket.send(join);
            socket.send(Map.of("action", "join_room", "room_id", room));
            Await.until(name() + " joined twice", () -> socket.framesOfType("system").stream()
                    .filter(frame -> frame.path("message").asText().startsWith("Joined room")).count() >= 2);
        }

        /** Connects to the next node once this one has closed; synchronized with the sender's own use. */
        synchronized void resumeIfClosed() {
            if (!current().isClosed()) {
                return;
            }
            assertEquals(1001, current().awaitCloseCode(), name() + " closed by the drain");
            assertEquals("Server shutting down", current().closeReason());
            List<Long> seen = seqs();
            connect(next.get(), seen.isEmpty() ? 0L : seen.get(seen.size() - 1));
        }

        /**
         * Sends {@code count} messages, each with its client_id, keeping up to {@link #WINDOW} of them unacknowledged
         * (so that some are always in flight), until every one is acknowledged.
         */
        void sendAll(int count) {
            Map<String, Map<String, String>> unacknowledged = new LinkedHashMap<>();
            int[] next = {0};
            Await.until(name() + " has all " + count + " acknowledged", Duration.ofSeconds(60), () -> {
                synchronized (this) {
                    Set<String> acknowledged = acknowledged();
                    unacknowledged.keySet().removeAll(acknowledged);
                    if (current().isClosed()) {
                        resumeIfClosed();
                        unacknowledged.keySet().removeAll(acknowledged());
                        for (Map.Entry<String, Map<String, String>> send : unacknowledged.entrySet()) {
                            retried.merge(send.getKey(), 1, Integer::sum);
                            offer(send.getKey(), send.getValue());
                        }
                    }
                    while (next[0] < count && unacknowledged.size() < WINDOW) {
                        String clientId = name() + "-" + next[0];
                        Map<String, String> send = Map.of("action", "send_message", "room_id", room,
                                "content", "message " + next[0], "client_id", clientId);
                        unacknowledged.put(clientId, send);
                        offer(clientId, send);
                        next[0]++;
                    }
                    return next[0] == count && unacknowledged.isEmpty();
                }
            });
        }

        /** Sends on the current connection, unless it is closing: then the send goes again after the move. */
        private void offer(String clientId, Map<String, String> send) {
            sentOn.computeIfAbsent(clientId, id -> new CopyOnWriteArrayList<>()).add(connections.size() - 1);
            try {
                current().send(send);
            } catch (AssertionError outputClosed) {
                // the node's close frame came first: nothing was sent
            }
        }

        /**
         * The sends acknowledged first on a connection they were never sent on: stored by the node before it
         * closed, but left for the client to find in its backlog after the move.
         */
        List<String> acknowledgedOnlyAfterTheMove() {
            List<String> late = new ArrayList<>();
            Set<String> acknowledged = new HashSet<>();
            for (int index = 0; index < connections.size(); index++) {
                for (JsonNode message : connections.get(index).chatMessages()) {
                    String clientId = message.path("client_id").asText();
                    if (message.path("user_id").asText().equals(account.id()) && acknowledged.add(clientId)
                            && !sentOn.getOrDefault(clientId, List.of()).contains(index)) {
                        late.add(clientId);
                    }
                }
            }
            return late;
        }

        /** The client_ids of this client's own messages it has seen come back. */
        Set<String> acknowledged() {
            Set<String> acknowledged = new LinkedHashSet<>();
            for (JsonNode message : stream()) {
                if (message.path("user_id").asText().equals(account.id()) && message.has("client_id")) {
                    acknowledged.add(message.path("client_id").asText());
                }
            }
            return acknowledged;
        }

        /** The room's messages as this client saw them, over all its connections. */
        List<JsonNode> stream() {
            List<JsonNode> stream = new ArrayList<>();
            for (WsClient connection : connections) {
                stream.addAll(connection.chatMessages());
            }
            return stream;
        }

        List<Long> seqs() {
            return stream().stream().map(message -> message.path("seq").asLong()).toList();
        }
    }
}
