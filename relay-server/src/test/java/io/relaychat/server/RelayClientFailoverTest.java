package io.relaychat.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaychat.client.Ack;
import io.relaychat.client.ConnectionEvent;
import io.relaychat.client.RelayClient;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two nodes as one service (one store, one real redis-server); one dies like a crash (SIGKILL, no drain, no
 * goodbye) while the Java client's users are sending through it. Each client has both nodes as endpoints: it moves
 * to the live one, resumes with since_seq and retries what was not acknowledged with the same client_id, so every
 * send is stored once and every client sees every message once, in order.
 */
@IntegrationTest
class RelayClientFailoverTest {
    private static final int SENDERS = 2;
    private static final int BATCH = 15;

    private SharedServices services;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void startServices() {
        services = SharedServices.start();
    }

    @AfterEach
    void stopServices() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
        services.close();
    }

    @Test
    void givenSendsInFlightOnANodeThatIsKilled_whenClientsMoveToTheOther_thenEachSeesEveryMessageOnceInOrder()
            throws Exception {
        Map<String, String> processEnv = new HashMap<>(services.nodeEnv());
        processEnv.put("JWT_SECRET_KEY", RunningServer.SECRET);
        processEnv.put("HOST", "127.0.0.1");
        processEnv.put("RELAY_BCRYPT_COST", "4");
        ServerProcess doomed = ServerProcess.start(processEnv);
        toClose.add(doomed);
        RunningServer survivor = RunningServer.start(services.nodeEnv());
        toClose.add(0, survivor);
        URI a = URI.create(doomed.http());
        URI b = URI.create(survivor.http());

        Api api = new Api(survivor);
        Api.Account owner = api.register("owner");
        List<Api.Account> accounts = new ArrayList<>();
        for (int i = 0; i < SENDERS; i++) {
            accounts.add(api.register("sender" + i));
        }
        String room = api.createRoom(owner, "busy", accounts.toArray(Api.Account[]::new));

        List<ClientInbox> inboxes = new ArrayList<>();
        List<RelayClient> senders = new ArrayList<>();
        for (Api.Account account : accounts) {
            senders.add(client(List.of(a, b), account, inboxes)); // on the doomed node
        }
        RelayClient watcherOnA = client(List.of(a, b), owner, inboxes);
        RelayClient watcherOnB = client(List.of(b, a), owner, inboxes);
        List<RelayClient> everyone = new ArrayList<>(senders);
        everyone.add(watcherOnA);
        everyone.add(watcherOnB);
        everyone.forEach(client -> Await.result(client.follow(room)));

        List<CompletableFuture<Ack>> acks = new ArrayList<>();
        sendBatch(senders, room, "before", acks);
        acks.forEach(Await::result);
        sendBatch(senders, room, "in flight", acks);
        long unacknowledgedAtTheKill = acks.stream().filter(ack -> !ack.isDone()).count();
        doomed.kill();
        long killedAt = System.nanoTime();
        sendBatch(senders, room, "after", acks);

        for (CompletableFuture<Ack> ack : acks) {
            ack.get(30, TimeUnit.SECONDS);
        }
        long recoveredMillis = (System.nanoTime() - killedAt) / 1_000_000;
        int total = 3 * BATCH * SENDERS;
        // The truth is the store: a node killed between taking a seq and storing its message leaves that seq unused.
        List<JsonNode> stored = api.history(room, owner.token());
        assertEquals(total, stored.size(), "every send stored");
        assertEquals(total, stored.stream().map(message -> message.path("client_id").asText()).distinct().count(),
                "each send stored once, retries included");
        List<Long> storedSeqs = stored.stream().map(message -> message.path("seq").asLong()).toList();
        for (ClientInbox saw : inboxes) {
            saw.awaitMessages(room, total, Duration.ofSeconds(30));
            assertEquals(storedSeqs, saw.seqs(room), saw.name() + ": every stored message once, in seq order");
        }
        for (int i = 0; i < inboxes.size() - 1; i++) { // all but the watcher on the survivor were on the doomed node
            ClientInbox saw = inboxes.get(i);
            assertTrue(saw.connection.stream().anyMatch(event -> event instanceof ConnectionEvent.Connected connected
                    && connected.endpoint().equals(b)), saw.name() + " moved to the live node: " + saw.connection);
        }
        System.out.printf("killed a node with %d of %d sends unacknowledged; all acknowledged %d ms later%n",
                unacknowledgedAtTheKill, acks.size(), recoveredMillis);
        everyone.forEach(RelayClient::close);
    }

    private RelayClient client(List<URI> endpoints, Api.Account account, List<ClientInbox> inboxes) {
        ClientInbox inbox = new ClientInbox(account.username() + "@" + endpoints.get(0).getPort());
        inboxes.add(inbox);
        RelayClient client = inbox.connect(endpoints, account);
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
}
