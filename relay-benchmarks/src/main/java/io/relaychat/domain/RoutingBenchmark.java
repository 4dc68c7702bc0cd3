package io.relaychat.domain;

import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.ConnectionId;
import io.relaychat.ports.model.MessageId;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.User;
import io.relaychat.ports.model.UserId;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.time.Instant;
import java.util.List;

/**
 * Routing one stored message to the connections of its room on this node: the ordering rule, each
 * subscription's cursor, and the hand-over to each connection's sink (here a black hole).
 */
@State(Scope.Thread)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RoutingBenchmark {
    @Param({"10", "100", "2000"})
    public int connections;

    private RoomChannel channel;
    private ChatMessage template;
    private long seq;

    @Setup
    public void setUp(Blackhole hole) {
        RoomId room = new RoomId("room");
        channel = new RoomChannel(room, gap -> { });
        channel.ready(0, user -> List.of());
        for (int i = 0; i < connections; i++) {
            User user = new User(new UserId("u" + i), "u" + i + "@example.com", "u" + i, Instant.EPOCH);
            LiveConnection connection = new LiveConnection(new ConnectionId("c" + i), user, hole::consume, null);
            channel.attach(connection);
            channel.goLiveFromJoin(connection.id());
        }
        template = new ChatMessage(new MessageId("m"), room, new UserId("u0"), "u0", "hello", Instant.EPOCH, List.of(), 1, null);
    }

    @Benchmark
    public void routeOneMessage() {
        seq++;
        channel.offer(new ChatMessage(template.id(), template.roomId(), template.userId(), template.username(),
                template.content(), template.timestamp(), template.attachments(), seq, null), List.of());
    }
}
