package io.relaychat.server;

import io.relaychat.server.Api.Account;
import io.relaychat.testkit.Await;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The bus latency across two nodes on one real redis-server and one shared store: a message published by one node is
 * timed on the node that receives it, from the publication time in the Redis envelope.
 */
@IntegrationTest
class MultiNodeMetricsTest {
    @RegisterExtension
    final Nodes nodes = Nodes.onOneRedis();

    private RunningServer nodeWithMetrics() throws IOException {
        int metricsPort;
        try (ServerSocket free = new ServerSocket(0)) {
            metricsPort = free.getLocalPort();
        }
        return nodes.node("RELAY_METRICS_PORT", String.valueOf(metricsPort));
    }

    @Test
    void aMessagePublishedByOneNodeIsTimedOnTheNodeThatReceivesIt() throws IOException {
        RunningServer first = nodeWithMetrics();
        RunningServer second = nodeWithMetrics();
        Api api = new Api(first);
        Account ann = api.register("ann");
        Account bob = api.register("bob");
        String room = api.createRoom(ann, "general", bob);
        try (WsClient annSocket = WsClient.connect(first.ws(ann.token()));
             WsClient bobSocket = WsClient.connect(second.ws(bob.token()))) {
            annSocket.join(room);
            bobSocket.join(room);

            annSocket.say(room, "across nodes");
            bobSocket.awaitMessages(1);

            // The node storing the room publishes it: the first one, or the second one when the first handed it over.
            boolean handedOver = Scrape.of(first.server.metricsPort()).value("relay_forwarded_sends_total") == 1;
            RunningServer receiving = handedOver ? first : second;
            RunningServer publishing = handedOver ? second : first;
            Await.until("the receiving node timed the message", Duration.ofSeconds(10),
                    () -> Scrape.of(receiving.server.metricsPort()).value("relay_bus_latency_seconds_count") == 1);
            Scrape received = Scrape.of(receiving.server.metricsPort());
            assertEquals(1, received.value("relay_bus_latency_seconds_bucket{le=\"+Inf\"}"));
            assertEquals(0, received.value("relay_bus_errors_total"));
            assertEquals(1, received.value("relay_dependency_up{dependency=\"bus\"}"));
            assertEquals(0, Scrape.of(publishing.server.metricsPort()).value("relay_bus_latency_seconds_count"),
                    "a node never hears its own publications");
        }
    }
}
