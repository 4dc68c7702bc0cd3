package io.relaychat.server;

import io.relaychat.server.Api.Account;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One room carried by several nodes at once, its owner listening on every node and its senders spread over them: the
 * traffic the multi-node tests send, and their check that every connection got every message once, in seq order.
 */
record RoomAcrossNodes(String id, int nodeCount, List<WsClient> senders, List<WsClient> everyone) {
    /** Two listeners on each of three new nodes, and {@code senderCount} senders spread over the nodes. */
    static RoomAcrossNodes overThreeNodes(Nodes nodes, int senderCount) {
        return open(nodes, 3, 2, senderCount);
    }

    /** {@code nodeCount} new nodes, and a listener and a sender on each. */
    static RoomAcrossNodes oneListenerAndOneSenderOnEach(Nodes nodes, int nodeCount) {
        return open(nodes, nodeCount, 1, nodeCount);
    }

    private static RoomAcrossNodes open(Nodes nodes, int nodeCount, int listenersPerNode, int senderCount) {
        List<RunningServer> servers = new ArrayList<>();
        for (int i = 0; i < nodeCount; i++) {
            servers.add(nodes.node());
        }
        Api api = new Api(servers.get(0));
        Account owner = api.register("owner");
        List<Account> senders = new ArrayList<>();
        for (int i = 0; i < senderCount; i++) {
            senders.add(api.register("sender" + i));
        }
        String room = api.createRoom(owner, "everyone", senders.toArray(Account[]::new));
        List<WsClient> everyone = new ArrayList<>();
        for (RunningServer server : servers) {
            for (int i = 0; i < listenersPerNode; i++) {
                WsClient listener = nodes.connect(server, owner);
                listener.join(room);
                everyone.add(listener);
            }
        }
        List<WsClient> senderSockets = new ArrayList<>();
        for (int i = 0; i < senders.size(); i++) {
            WsClient sender = nodes.connect(servers.get(i % nodeCount), senders.get(i));
            sender.join(room);
            senderSockets.add(sender);
            everyone.add(sender);
        }
        return new RoomAcrossNodes(room, nodeCount, senderSockets, everyone);
    }

    /** All senders at once, each saying {@code messagesEach} messages as fast as it can; back when all are said. */
    void everySenderSaysAtOnce(int messagesEach) {
        everySenderStartsSaying(messagesEach, 0).join();
    }

    /** All senders at once, each saying {@code messagesEach} messages, one every {@code paceMillis}; done when all are. */
    CompletableFuture<Void> everySenderStartsSaying(int messagesEach, long paceMillis) {
        List<CompletableFuture<Void>> sending = new ArrayList<>();
        for (WsClient sender : senders) {
            sending.add(CompletableFuture.runAsync(() -> {
                for (int n = 0; n < messagesEach; n++) {
                    sender.say(id, "message " + n);
                    pause(paceMillis);
                }
            }));
        }
        return CompletableFuture.allOf(sending.toArray(CompletableFuture[]::new));
    }

    /**
     * The room's traffic through a Redis failover: every sender says 60 messages over ~1.5 s, {@code failover} runs
     * 600 ms in (and says what it did), and every connection must get every message once, in order; then 10 more each,
     * which only arrive if every node hears the room's channel again where Redis serves it now. Returns what the
     * failover said and how long after it began every client had every message.
     */
    String carriesTrafficThrough(Supplier<String> failover) {
        int perSender = 60;
        CompletableFuture<Void> sending = everySenderStartsSaying(perSender, 25);
        pause(600);
        long started = System.nanoTime();
        String what = failover.get();
        sending.join();
        everyoneHasAllOnceInOrder(senders.size() * perSender);
        long allThere = (System.nanoTime() - started) / 1_000_000;
        everySenderSaysAtOnce(10);
        everyoneHasAllOnceInOrder(senders.size() * (perSender + 10));
        return what + "; every client had every message " + allThere + " ms after the kill";
    }

    private static void pause(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void everyoneHasAllOnceInOrder(int count) {
        List<Long> all = LongStream.rangeClosed(1, count).boxed().toList();
        for (WsClient client : everyone) {
            client.awaitMessages(count);
            assertEquals(all, client.seqs(), "every message once, in seq order, on every one of " + nodeCount + " nodes");
        }
    }
}
