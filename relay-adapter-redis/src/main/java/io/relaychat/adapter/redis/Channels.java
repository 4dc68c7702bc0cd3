package io.relaychat.adapter.redis;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Publishing, subscribing and listening on this node's two connections, with sharded pub/sub
 * (SPUBLISH/SSUBSCRIBE, for Redis Cluster) or the plain kind, chosen once for every channel.
 * <p>
 * Sharded channels are subscribed one per command: SSUBSCRIBE may name several channels only when they share a
 * slot (Redis Cluster refuses the rest with CROSSSLOT), and on a cluster each command goes to the shard serving its
 * channel.
 */
final class Channels {
    private final boolean sharded;
    private final RedisClusterAsyncCommands<String, String> commands;
    private final StatefulRedisPubSubConnection<String, String> pubSub;
    /** This node's own SUNSUBSCRIBEs not yet answered, by channel; sharded only. */
    private final Map<String, Integer> ownUnsubscribes = new ConcurrentHashMap<>();

    Channels(boolean sharded, RedisClusterAsyncCommands<String, String> commands,
             StatefulRedisPubSubConnection<String, String> pubSub) {
        this.sharded = sharded;
        this.commands = commands;
        this.pubSub = pubSub;
    }

    /** Completes with how many subscribers received it. */
    CompletableFuture<Long> publish(String channel, String message) {
        return (sharded ? commands.spublish(channel, message) : commands.publish(channel, message)).toCompletableFuture();
    }

    CompletableFuture<Void> subscribe(String... channels) {
        if (!sharded) {
            return pubSub.async().subscribe(channels).toCompletableFuture();
        }
        return each(channels, channel -> pubSub.async().ssubscribe(channel).toCompletableFuture());
    }

    CompletableFuture<Void> unsubscribe(String... channels) {
        if (!sharded) {
            return pubSub.async().unsubscribe(channels).toCompletableFuture();
        }
        return each(channels, channel -> {
            ownUnsubscribes.merge(channel, 1, Integer::sum);
            return pubSub.async().sunsubscribe(channel).toCompletableFuture().whenComplete((done, error) -> {
                if (error != null) {
                    answered(channel); // no answer will come
                }
            });
        });
    }

    /** Counts off one of this node's own SUNSUBSCRIBEs of the channel; false when none was waiting. */
    private boolean answered(String channel) {
        boolean[] waiting = {false};
        ownUnsubscribes.computeIfPresent(channel, (key, count) -> {
            waiting[0] = true;
            return count > 1 ? count - 1 : null;
        });
        return waiting[0];
    }

    private static CompletableFuture<Void> each(String[] channels,
                                                Function<String, CompletableFuture<Void>> command) {
        CompletableFuture<?>[] sent = new CompletableFuture<?>[channels.length];
        for (int i = 0; i < channels.length; i++) {
            sent[i] = command.apply(channels[i]);
        }
        return CompletableFuture.allOf(sent);
    }

    /** Hands {@code receive} the messages of the channels {@code accepts} picks, whichever kind they came by. */
    void listen(Predicate<String> accepts, Consumer<String> receive) {
        pubSub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                if (accepts.test(channel)) {
                    receive.accept(message);
                }
            }

            @Override
            public void smessage(String shardChannel, String message) {
                if (accepts.test(shardChannel)) {
                    receive.accept(message);
                }
            }
        });
    }

    /**
     * Tells {@code ended} of every sharded subscription a shard ended by itself, as one does when it stops serving the
     * channel's slot (resharded away, or demoted to a replica); the answers to this node's own SUNSUBSCRIBEs are not
     * told.
     */
    void onShardedSubscriptionEnded(Consumer<String> ended) {
        pubSub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void sunsubscribed(String shardChannel, long count) {
                if (!answered(shardChannel)) {
                    ended.accept(shardChannel);
                }
            }
        });
    }
}
