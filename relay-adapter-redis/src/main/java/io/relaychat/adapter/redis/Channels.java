package io.relaychat.adapter.redis;

import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Publishing, subscribing and listening on this node's two connections, with sharded pub/sub
 * (SPUBLISH/SSUBSCRIBE, for Redis Cluster) or the plain kind, chosen once for every channel.
 */
final class Channels {
    private final boolean sharded;
    private final StatefulRedisConnection<String, String> commands;
    private final StatefulRedisPubSubConnection<String, String> pubSub;

    Channels(boolean sharded, StatefulRedisConnection<String, String> commands,
             StatefulRedisPubSubConnection<String, String> pubSub) {
        this.sharded = sharded;
        this.commands = commands;
        this.pubSub = pubSub;
    }

    /** Completes with how many subscribers received it. */
    CompletableFuture<Long> publish(String channel, String message) {
        return (sharded ? commands.async().spublish(channel, message) : commands.async().publish(channel, message))
                .toCompletableFuture();
    }

    CompletableFuture<Void> subscribe(String... channels) {
        return (sharded ? pubSub.async().ssubscribe(channels) : pubSub.async().subscribe(channels)).toCompletableFuture();
    }

    CompletableFuture<Void> unsubscribe(String... channels) {
        return (sharded ? pubSub.async().sunsubscribe(channels) : pubSub.async().unsubscribe(channels)).toCompletableFuture();
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
}
