package io.relaychat.adapter.redis;

import io.relaychat.ports.in.ClusterEvents;
import io.relaychat.ports.model.Appended;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.NewMessage;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.StorageUnavailableException;
import io.relaychat.ports.out.SendForwarding;
import io.relaychat.testkit.Await;
import io.relaychat.testkit.IntegrationTest;
import io.relaychat.testkit.RedisProcess;
import io.relaychat.testkit.SendForwardingContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import static io.relaychat.testkit.Await.failure;
import static io.relaychat.testkit.Await.result;
import static io.relaychat.testkit.Fixtures.aMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The send forwarding contract on a real redis-server, with nodes that beat every 200 ms, and what the Redis
 * forwarding does beyond it: an even share of the rooms, sends kept in order, a gone node noticed at once.
 */
@IntegrationTest
class RedisSendForwardingTest extends SendForwardingContract {
    private RedisProcess redis;
    private final Map<SendForwarding, RedisNode> nodes = new IdentityHashMap<>();

    @BeforeEach
    void startRedis() {
        redis = RedisProcess.start();
    }

    @AfterEach
    void stop() {
        closeNodes();
        redis.close();
    }

    protected final void closeNodes() {
        for (RedisNode node : nodes.values()) {
            try {
                node.close();
            } catch (RuntimeException alreadyGone) {
                // abandoned in the test
            }
        }
        nodes.clear();
    }

    /** Nodes that beat every 200 ms, so that they agree on the live nodes soon. */
    protected RedisSettings settings() {
        return RedisSettings.of(redis.url()).withNodeTtl(Duration.ofMillis(600));
    }

    @Override
    protected List<SendForwarding> newNodes(int count) {
        RedisSettings quick = settings();
        List<SendForwarding> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            RedisNode node = RedisNode.connect(quick);
            nodes.put(node.forwarding(), node);
            started.add(node.forwarding());
        }
        return started;
    }

    @Override
    protected void attach(SendForwarding node, ClusterEvents core) {
        nodes.get(node).attach(core);
    }

    @Override
    protected void abandon(SendForwarding node) {
        nodes.get(node).abandon();
    }

    @Override
    protected boolean dividesRooms() {
        return true;
    }

    @Test
    void twoNodesShareTheRoomsEvenly() {
        List<Node> pair = startAgreeingNodes(2);

        long first = roomsStoredBy(pair.get(0));
        long second = roomsStoredBy(pair.get(1));
        assertTrue(first > 50 && second > 50, "one stores " + first + " rooms, the other " + second);
    }

    @Test
    void sendsArriveAndAreAnsweredInTheOrderTheyWereHandedOn() {
        List<Node> pair = startAgreeingNodes(2);
        Node storing = pair.get(1);
        RoomId room = aRoomStoredBy(storing);
        List<CompletionStage<Appended>> answers = new ArrayList<>();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            sent.add("m" + i);
            answers.add(pair.get(0).forwarding().forward(aMessage().in(room).saying("m" + i).build()));
        }
        answers.forEach(Await::result);

        assertEquals(sent, storing.core().forwarded().stream().map(NewMessage::content).toList());
        assertEquals(sent, answers.stream().map(answer -> result(answer).message()).map(ChatMessage::content).toList());
    }

    @Test
    void aSendForANodeThatIsGoneFailsAtOnceRatherThanAfterTheAnswerTimeout() {
        List<Node> pair = startAgreeingNodes(2);
        RoomId room = aRoomStoredBy(pair.get(1));
        abandon(pair.get(1).forwarding());

        long start = System.nanoTime();
        Throwable lost = failure(pair.get(0).forwarding().forward(aMessage().in(room).build()));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        assertFalse(lost instanceof StorageUnavailableException, "not a store failure: the sender stores it itself");
        assertTrue(tookMillis < RedisSendForwarding.ANSWER_TIMEOUT.toMillis(), "failed after " + tookMillis + " ms");
    }

    @Test
    void aSendHandedToANodeNotAttachedYetIsAnsweredAsFailed() {
        Node sender = startNodes(1).get(0);
        RedisNode unattached = RedisNode.connect(settings());
        nodes.put(unattached.forwarding(), unattached);
        Await.until("the sender sees the other node", () -> roomsStoredBy(sender) < ROOMS.size());
        RoomId room = ROOMS.stream().filter(each -> !sender.storesHere(each)).findFirst().orElseThrow();

        Throwable answer = failure(sender.forwarding().forward(aMessage().in(room).build()));

        assertFalse(answer instanceof StorageUnavailableException, "not a store failure: the sender stores it itself");
        assertTrue(String.valueOf(answer.getMessage()).contains("not started"), "answered " + answer);
    }
}
