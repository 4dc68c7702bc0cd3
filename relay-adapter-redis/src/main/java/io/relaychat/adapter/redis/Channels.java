package io.relaychat.adapter.redis;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

import java.util.concurrent.CompletableFuture;
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
        return each(channels, channel -> pubSub.async().sunsubscribe(channel).toCompletableFuture());
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
     * Tells {@code ended} of every sharded subscription that ended, whether this node asked for it or not: a shard
     * ends its subscriptions itself when it stops serving their slot (resharded away, or demoted to a replica).
     */
    void onShardedSubscriptionEnded(Consumer<String> ended) {
        pubSub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void sunsubscribed(String shardChannel, long count) {
                ended.accept(shardChannel);
            }
        });
    }
}
