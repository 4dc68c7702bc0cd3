package io.relaychat.domain;

import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.RelayMetrics;
import io.relaychat.ports.out.RelayMetrics.Limited;
import io.relaychat.ports.out.TimeSource;

import java.util.Optional;

/**
 * How much each user may do in real time on this node: how often they may send, type, and join or leave rooms, and
 * how many rooms one connection may hold. A refusal says when to try again where waiting helps.
 */
final class ChatQuotas {
    private final RateLimiter<UserId> sends;
    private final RateLimiter<UserId> typing;
    private final RateLimiter<UserId> joins;
    private final int maxRoomsPerConnection;

    ChatQuotas(Limits limits, TimeSource time) {
        this(limits, time, RelayMetrics.NONE);
    }

    /** Each limiter's refusals are counted under their own kind, the callback made once here, not per request. */
    ChatQuotas(Limits limits, TimeSource time, RelayMetrics metrics) {
        this.sends = new RateLimiter<>(limits.rates().sends(), time, () -> metrics.rateLimited(Limited.SEND));
        this.typing = new RateLimiter<>(limits.rates().typing(), time, () -> metrics.rateLimited(Limited.TYPING));
        this.joins = new RateLimiter<>(limits.rates().joins(), time, () -> metrics.rateLimited(Limited.JOIN));
        this.maxRoomsPerConnection = limits.maxRoomsPerConnection();
    }

    Optional<Refusal> toSend(UserId user) {
        return sends.tryAcquire(user);
    }

    Optional<Refusal> toType(UserId user) {
        return typing.tryAcquire(user);
    }

    /**
     * Every {@code join_room}, a repeated one too: each costs a presence read and a greeting; and every leaving of a
     * room, which costs a presence change on every node.
     */
    Optional<Refusal> toJoin(UserId user) {
        return joins.tryAcquire(user);
    }

    /** A room the connection has not joined yet, on top of those it has. */
    Optional<Refusal> toHoldAnotherRoom(LiveConnection connection) {
        if (maxRoomsPerConnection > 0 && connection.joinedRooms().size() >= maxRoomsPerConnection) {
            return Optional.of(Refusal.tooManyRooms(maxRoomsPerConnection));
        }
        return Optional.empty();
    }
}
