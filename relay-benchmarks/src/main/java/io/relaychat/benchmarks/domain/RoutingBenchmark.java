package io.relaychat.benchmarks.domain;

import io.relaychat.adapter.local.InMemoryMessageStore;
import io.relaychat.adapter.local.InMemoryPresence;
import io.relaychat.adapter.local.InMemoryRoomStore;
import io.relaychat.adapter.local.InMemoryUserStore;
import io.relaychat.adapter.local.InProcessEventBus;
import io.relaychat.domain.RelayCore;
import io.relaychat.ports.in.ClusterEvents;
import io.relaychat.ports.model.BlobReader;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.MessageId;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomEvent.MessagePosted;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.RoomType;
import io.relaychat.ports.model.User;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.model.VerifiedToken;
import io.relaychat.ports.out.BlobSink;
import io.relaychat.ports.out.BlobStore;
import io.relaychat.ports.out.PasswordHasher;
import io.relaychat.ports.out.TokenIssuer;
import io.relaychat.ports.out.TokenVerifier;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Routing one stored message to the connections of its room on this node, as a message another node
 * published arrives: the core's public entry for it ({@link ClusterEvents#published}), the ordering rule,
 * each subscription's cursor, and the hand-over to each connection's sink (here a black hole).
 */
@State(Scope.Thread)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RoutingBenchmark {
    @Param({"10", "100", "2000"})
    public int connections;

    private ClusterEvents fromOtherNodes;
    private ChatMessage template;
    private long seq;

    @Setup
    public void setUp(Blackhole hole) throws Exception {
        RoomId roomId = new RoomId("room");
        List<User> users = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            users.add(new User(new UserId("u" + i), "u" + i + "@example.com", "u" + i, Instant.EPOCH));
        }
        InMemoryRoomStore rooms = new InMemoryRoomStore();
        rooms.insert(new Room(roomId, "room", RoomType.GROUP, users.stream().map(User::id).toList(), Instant.EPOCH,
                users.get(0).id(), null)).toCompletableFuture().get();
        RelayCore core = RelayCore.builder()
                .userStore(new InMemoryUserStore()).roomStore(rooms).messageStore(new InMemoryMessageStore())
                .blobStore(new NoBlobs()).eventBus(InProcessEventBus.standalone()).presence(new InMemoryPresence())
                .scheduler((delay, task) -> { }).passwordHasher(new NoHashing()).tokens(new NoTokens(), new NoTokens())
                .build();
        for (User user : users) {
            core.chat().connect(user, hole::consume).value().join(roomId, null).toCompletableFuture().get();
        }
        fromOtherNodes = core.clusterEvents();
        // A sender with no connection here: the message goes to the room's subscriptions only.
        template = new ChatMessage(new MessageId("m"), roomId, new UserId("elsewhere"), "elsewhere", "hello",
                Instant.EPOCH, List.of(), 1, null);
    }

    @Benchmark
    public void routeOneMessage() {
        seq++;
        fromOtherNodes.published(new MessagePosted(new ChatMessage(template.id(), template.roomId(), template.userId(),
                template.username(), template.content(), template.timestamp(), template.attachments(), seq, null)));
    }

    /** Routing hashes nothing, issues nothing and stores no files: these only complete the core. */
    private static final class NoHashing implements PasswordHasher {
        @Override
        public CompletionStage<String> hash(String password) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<Boolean> matches(String password, String hash) {
            throw new UnsupportedOperationException();
        }
    }

    private static final class NoTokens implements TokenIssuer, TokenVerifier {
        @Override
        public String issue(UserId userId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<Optional<VerifiedToken>> verify(String token) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
    }

    private static final class NoBlobs implements BlobStore {
        @Override
        public CompletionStage<BlobSink> create(String name, String contentType) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<Optional<BlobReader>> open(String name) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
    }
}
