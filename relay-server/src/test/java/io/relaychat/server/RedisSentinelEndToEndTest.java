package io.relaychat.server;

import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Server nodes as one service on a real Sentinel-managed primary ({@code redis-sentinel://...}): the primary killed
 * (SIGKILL) under three nodes carrying traffic, the sentinels promote its replica, the nodes follow it, and no client
 * loses a message, sees one twice, or sees them out of order.
 */
@IntegrationTest
class RedisSentinelEndToEndTest {
    @RegisterExtension
    final Nodes nodes = Nodes.onSentinel();

    @Test
    void aPrimaryKilledUnderTrafficCostsNoClientAMessageADuplicateOrTheOrder() {
        RoomAcrossNodes room = RoomAcrossNodes.overThreeNodes(nodes, 6);
        int before = nodes.services().sentinel.primaryPort();

        String result = room.carriesTrafficThrough(() -> {
            int port = nodes.services().sentinel.killPrimary();
            Duration promoted = nodes.services().sentinel.awaitFailover(Duration.ofSeconds(30));
            return "primary " + port + " killed; replica promoted after " + promoted.toMillis() + " ms";
        });

        assertNotEquals(before, nodes.services().sentinel.primaryPort(), "the replica is the primary now");
        System.out.println(result);
    }
}
