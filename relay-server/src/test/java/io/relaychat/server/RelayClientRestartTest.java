package io.relaychat.server;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.relaychat.client.Ack;
import io.relaychat.client.ChatMessage;
import io.relaychat.client.ConnectionEvent;
import io.relaychat.client.RelayClient;
import io.relaychat.client.Room;
import io.relaychat.testkit.Await;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One node on the MongoDB stand-in, stopped and started again on the same port while the Java client's users go
 * on sending: sends made while it is away wait, sends it was draining are retried with their client_id, and after
 * the restart every client resumes each room with since_seq, so each sees every message once, in order. And a node
 * that comes back signing tokens with another secret: the client's token is refused, it signs in again by itself.
 */
@IntegrationTest
class RelayClientRestartTest {
    private static final int SENDERS = 2;
    private static final int BATCH = 10;

    private MongoServer mongo;
    private Map<String, String> env;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void startStore() {
        mongo = new MongoServer(new MemoryBackend());
        mongo.bind("127.0.0.1", 0);
        env = Map.of(
                "MONGO_URL", "mongodb://127.0.0.1:" + mongo.getLocalAddress().getPort(),
                "DB_NAME", "relay_" + UUID.randomUUID().toString().replace("-", ""),
                "RELAY_SHUTDOWN_GRACE_SECONDS", "2",
                "RELAY_SHUTDOWN_SPREAD_SECONDS", "0");
    }

    @AfterEach
    void stopStore() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
        mongo.shutdownNow();
    }

    @Test
    void givenClientsSendingAcrossARestart_thenEverySendIsAcknowledgedAndEachClientSeesEveryMessageOnceInOrder() {
        RunningServer first = RunningServer.start(env);
        int port = first.port;
        URI endpoint = URI.create(first.http());
        Api api = new Api(first);
        Api.Account owner = api.register("owner");
        List<Api.Account> accounts = new ArrayList<>();
        for (int i = 0; i < SENDERS; i++) {
            accounts.add(api.register("sender" + i));
        }
        String room = api.createRoom(owner, "durable", accounts.toArray(Api.Account[]::new));

        ClientInbox ownerSaw = new ClientInbox("owner");
        RelayClient ownerClient = client(endpoint, owner, ownerSaw);
        List<RelayClient> senders = new ArrayList<>();
        List<ClientInbox> inboxes = new ArrayList<>(List.of(ownerSaw));
        for (Api.Account account : accounts) {
            ClientInbox saw = new ClientInbox(account.username());
            senders.add(client(endpoint, account, saw));
            inboxes.add(saw);
        }
        List<RelayClient> everyone = new ArrayList<>(senders);
        everyone.add(ownerClient);
        everyone.forEach(client -> Await.result(client.follow(room)));

        List<CompletableFuture<Ack>> acks = new ArrayList<>();
        sendBatch(senders, room, "before", acks);
        acks.forEach(Await::result);
        sendBatch(senders, room, "during the drain", acks); // in flight when the stop begins
        long unacknowledgedAtTheStop = acks.stream().filter(ack -> !ack.isDone()).count();
        first.close();
        for (ClientInbox saw : inboxes) {
            Await.until(saw.name() + " notices the node is gone", Duration.ofSeconds(10), () -> saw.connection.stream()
                    .anyMatch(event -> event instanceof ConnectionEvent.Disconnected));
        }
        sendBatch(senders, room, "while stopped", acks);

        long unacknowledgedWhileStopped = acks.stream().filter(ack -> !ack.isDone()).count();
        RunningServer second = restartOn(port, Map.of());
        toClose.add(second);
        sendBatch(senders, room, "after", acks);

        int total = 4 * BATCH * SENDERS;
        for (CompletableFuture<Ack> ack : acks) {
            Await.result(ack.orTimeout(30, java.util.concurrent.TimeUnit.SECONDS));
        }
        List<Long> all = LongStream.rangeClosed(1, total).boxed().toList();
        for (ClientInbox saw : inboxes) {
            saw.awaitMessages(room, total, Duration.ofSeconds(30));
            assertEquals(all, saw.seqs(room), saw.name() + ": every message once, in seq order, none missing");
            assertTrue(saw.connects() >= 2, saw.name() + " reconnected");
        }
        List<String> stored = new Api(second).history(room, owner.token()).stream()
                .map(message -> message.path("content").asText()).toList();
        assertEquals(total, stored.size());
        assertEquals(total, stored.stream().distinct().count(), "each send stored once, retries included");
        assertEquals(stored, ownerSaw.messages(room).stream().map(ChatMessage::content).toList(),
                "the owner saw the room as it is stored");
        System.out.printf("restarted a node with %d sends unacknowledged as it stopped, %d while it was away%n",
                unacknowledgedAtTheStop, unacknowledgedWhileStopped);
        everyone.forEach(RelayClient::close);
    }

    private RelayClient client(URI endpoint, Api.Account account, ClientInbox inbox) {
        RelayClient client = inbox.connect(List.of(endpoint), account);
        toClose.add(0, client);
        return client;
    }

    private static void sendBatch(List<RelayClient> senders, String room, String phase, List<CompletableFuture<Ack>> acks) {
        for (int n = 0; n < BATCH; n++) {
            for (int s = 0; s < senders.size(); s++) {
                acks.add(senders.get(s).send(room, "sender" + s + " " + phase + " " + n).toCompletableFuture());
            }
        }
    }

    @Test
    void givenTheNodeComesBackSigningWithAnotherSecret_thenTheClientSignsInAgainAndResumesWithoutALoss() {
        RunningServer first = RunningServer.start(env);
        Api.Account ann = new Api(first).register("ann");
        String room = new Api(first).createRoom(ann, "rotated");
        ClientInbox annSaw = new ClientInbox("ann");
        RelayClient client = client(URI.create(first.http()), ann, annSaw);
        Await.result(client.follow(room));
        Await.result(client.send(room, "signed with the first secret"));
        first.close();

        RunningServer second = restartOn(first.port, Map.of("JWT_SECRET_KEY", "another-secret-another-secret-0123456789"));
        toClose.add(second);
        Await.result(client.send(room, "signed with the second secret"));

        assertEquals(List.of(room), client.rest().rooms().stream().map(Room::id).toList(), "REST works with the new token");
        annSaw.awaitMessages(room, 2, Duration.ofSeconds(10));
        assertEquals(List.of(1L, 2L), annSaw.seqs(room));
        assertTrue(annSaw.connection.stream().anyMatch(event -> event instanceof ConnectionEvent.Disconnected closed
                && closed.code() == 1008 && closed.reason().equals("Authentication failed")),
                "the old token was refused on the way: " + annSaw.connection);
        client.close();
    }

    /** The same port again: it may still be held a moment by the connections the drain closed. */
    private RunningServer restartOn(int port, Map<String, String> changed) {
        Map<String, String> samePort = new HashMap<>(env);
        samePort.putAll(changed);
        samePort.put("PORT", String.valueOf(port));
        RunningServer[] started = new RunningServer[1];
        Await.until("the node starts again on port " + port, Duration.ofSeconds(15), () -> {
            try {
                started[0] = RunningServer.start(samePort);
                return true;
            } catch (RuntimeException bindFailed) {
                return false;
            }
        });
        return started[0];
    }
}
