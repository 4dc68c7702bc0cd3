package io.relaychat.adapter.redis;

import io.relaychat.adapter.redis.Envelope.ForwardAnswer;
import io.relaychat.adapter.redis.Envelope.ForwardedSend;
import io.relaychat.adapter.redis.Envelope.Forwarding;
import io.relaychat.ports.in.ClusterEvents;
import io.relaychat.ports.model.Appended;
import io.relaychat.ports.model.Failures;
import io.relaychat.ports.model.NewMessage;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.StorageUnavailableException;
import io.relaychat.ports.out.SendForwarding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Rooms divided among the live nodes by rendezvous hashing (each room goes to the node whose hash with the room
 * is highest, so a node joining or leaving moves only its share of rooms), and sends handed over on a channel
 * of each node's own, {@code relay:inbox:{<node id>}}, answered on the sender's.
 * <p>
 * The live nodes are the ones the {@link NodeRoster} saw at its last heartbeat. While nodes disagree about
 * that (one just started or died), two may store into one room for a moment; the message store's seqs stay
 * right regardless.
 * A send whose node does not answer within {@link #ANSWER_TIMEOUT} fails here, and the core stores it itself.
 * Sends handed to this node go to the core it was attached to; until then they are answered as failed.
 */
final class RedisSendForwarding implements SendForwarding {
    private static final Logger log = LoggerFactory.getLogger(RedisSendForwarding.class);
    /** Far above a store's usual answer (milliseconds), short enough that a dead node costs a send little. */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(1);

    private final String nodeId;
    private final Channels channels;
    private final ScheduledExecutorService timer;
    private final NodeRoster roster;
    private final BooleanSupplier connected;
    private final Map<Long, CompletableFuture<Appended>> awaiting = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();
    private volatile ClusterEvents core;

    RedisSendForwarding(String nodeId, Channels channels, ScheduledExecutorService timer, NodeRoster roster,
                        BooleanSupplier connected) {
        this.nodeId = nodeId;
        this.channels = channels;
        this.timer = timer;
        this.roster = roster;
        this.connected = connected;
        String inbox = RedisKeys.inbox(nodeId);
        channels.listen(inbox::equals, this::receive);
    }

    /**
     * Starts receiving sends and answers. Lettuce subscribes again by itself after a reconnect to the same server;
     * on a Redis Cluster the node calls this again when the inbox's shard may have changed.
     */
    CompletableFuture<Void> open() {
        return channels.subscribe(RedisKeys.inbox(nodeId));
    }

    void attach(ClusterEvents value) {
        this.core = value;
    }

    @Override
    public boolean storesHere(RoomId roomId) {
        return !connected.getAsBoolean() || ownerOf(roomId).equals(nodeId);
    }

    /** The live node with the highest hash together with the room. */
    private String ownerOf(RoomId roomId) {
        String owner = nodeId;
        long best = score(nodeId, roomId);
        for (String node : roster.otherLiveNodes()) {
            long score = score(node, roomId);
            if (score > best || (score == best && node.compareTo(owner) < 0)) {
                owner = node;
                best = score;
            }
        }
        return owner;
    }

    /** String hashes are the same in every JVM; the mix spreads their combination over all 64 bits. */
    private static long score(String node, RoomId roomId) {
        long z = ((long) node.hashCode() << 32) ^ (roomId.value().hashCode() & 0xffffffffL);
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    @Override
    public CompletionStage<Appended> forward(NewMessage message) {
        long request = requests.incrementAndGet();
        CompletableFuture<Appended> answer = new CompletableFuture<>();
        awaiting.put(request, answer);
        String owner = ownerOf(message.roomId());
        timer.schedule(() -> {
            if (awaiting.remove(request) != null) {
                answer.completeExceptionally(new TimeoutException("node " + owner + " did not answer within "
                        + ANSWER_TIMEOUT.toMillis() + " ms"));
            }
        }, ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        channels.publish(RedisKeys.inbox(owner), Envelope.encodeForward(nodeId, request, message)).whenComplete((receivers, error) -> {
            if (error != null || receivers == 0) {
                awaiting.remove(request);
                answer.completeExceptionally(error != null ? error
                        : new IllegalStateException("node " + owner + " is not listening"));
            }
        });
        return answer;
    }

    /** A message on this node's inbox: a send to store, or the answer to one this node handed on. */
    void receive(String text) {
        Forwarding forwarding;
        try {
            forwarding = Envelope.decodeForwarding(text);
        } catch (RuntimeException e) {
            log.warn("dropping a malformed forwarding message: {}", e.getMessage());
            return;
        }
        if (forwarding instanceof ForwardedSend send) {
            store(send);
        } else if (forwarding instanceof ForwardAnswer answer) {
            CompletableFuture<Appended> waiting = awaiting.remove(answer.request());
            if (waiting == null) {
                return; // answered after the time-out: the sender has stored it itself (and found it stored)
            }
            String why = "node " + answer.origin() + ": " + answer.failure();
            if (answer.appended() != null) {
                waiting.complete(answer.appended());
            } else if (answer.storeUnavailable()) {
                waiting.completeExceptionally(new StorageUnavailableException(why));
            } else {
                waiting.completeExceptionally(new IllegalStateException(why));
            }
        }
    }

    private void store(ForwardedSend send) {
        ClusterEvents receiver = core;
        CompletionStage<Appended> stored = receiver == null
                ? CompletableFuture.failedFuture(new IllegalStateException("not started"))
                : receiver.forwarded(send.message());
        stored.whenComplete((appended, error) -> {
            Throwable cause = error == null ? null : Failures.cause(error);
            String answer = cause == null ? Envelope.encodeAnswer(nodeId, send.request(), appended)
                    : Envelope.encodeFailure(nodeId, send.request(), cause instanceof StorageUnavailableException,
                    String.valueOf(cause.getMessage()));
            channels.publish(RedisKeys.inbox(send.origin()), answer).exceptionally(failed -> {
                log.debug("could not answer node {}: {}", send.origin(), failed.getMessage());
                return null;
            });
        });
    }
}
