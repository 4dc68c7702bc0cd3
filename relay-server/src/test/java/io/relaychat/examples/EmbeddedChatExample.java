package io.relaychat.examples;

import io.relaychat.adapter.auth.BcryptPasswordHasher;
import io.relaychat.adapter.auth.JwtTokens;
import io.relaychat.adapter.local.FileSystemBlobStore;
import io.relaychat.adapter.local.InMemoryMessageStore;
import io.relaychat.adapter.local.InMemoryPresence;
import io.relaychat.adapter.local.InMemoryRoomStore;
import io.relaychat.adapter.local.InMemoryUserStore;
import io.relaychat.adapter.local.InProcessEventBus;
import io.relaychat.adapter.local.ThreadScheduler;
import io.relaychat.domain.RelayCore;
import io.relaychat.ports.in.ChatConnection;
import io.relaychat.ports.in.CreateRoomCommand;
import io.relaychat.ports.in.RegisterCommand;
import io.relaychat.ports.in.SendMessageCommand;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomEvent;
import io.relaychat.ports.model.RoomType;
import io.relaychat.ports.model.User;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * RelayChat embedded in a plain JVM program: no server, no sockets, no Netty. The core is assembled
 * from the local adapters, two users chat through it, and each sees the other's messages arrive.
 * Run it with {@code main}, or see EmbeddedChatExampleTest.
 */
public final class EmbeddedChatExample {
    private EmbeddedChatExample() {
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    /** Runs the conversation, printing what each user receives; returns the lines Bob saw. */
    public static List<String> run(PrintStream out) throws Exception {
        Path uploads = Files.createTempDirectory("relay-example");
        JwtTokens tokens = new JwtTokens(JwtTokens.randomSecret());
        try (BcryptPasswordHasher hasher = BcryptPasswordHasher.withCost(4);
             FileSystemBlobStore blobs = new FileSystemBlobStore(uploads, 1);
             ThreadScheduler scheduler = new ThreadScheduler()) {
            // docs:begin (docs/embedding.md shows the code from here to docs:end; EmbeddedChatExampleTest holds them equal)
            RelayCore core = RelayCore.builder()
                    .userStore(new InMemoryUserStore())
                    .roomStore(new InMemoryRoomStore())
                    .messageStore(new InMemoryMessageStore())
                    .blobStore(blobs)
                    .eventBus(InProcessEventBus.standalone())
                    .presence(new InMemoryPresence())
                    .scheduler(scheduler)
                    .passwordHasher(hasher)
                    .tokens(tokens, tokens)
                    .build();

            User alice = core.register().register(new RegisterCommand("alice@example.com", "alice", "wonderland"))
                    .toCompletableFuture().get().value().user();
            User bob = core.register().register(new RegisterCommand("bob@example.com", "bob", "builder!"))
                    .toCompletableFuture().get().value().user();
            Room room = core.rooms().createRoom(new CreateRoomCommand(alice.id(), "tea party", RoomType.GROUP,
                    List.of(bob.id()))).toCompletableFuture().get().value();

            List<String> bobSaw = new CopyOnWriteArrayList<>();
            CountDownLatch twoMessages = new CountDownLatch(2);
            ChatConnection aliceConnection = core.chat().connect(alice, broadcast -> {
                if (broadcast.event() instanceof RoomEvent.MessagePosted posted) {
                    out.println("alice sees #" + posted.message().seq() + " " + posted.message().username()
                            + ": " + posted.message().content());
                }
            }).value();
            ChatConnection bobConnection = core.chat().connect(bob, broadcast -> {
                if (broadcast.event() instanceof RoomEvent.MessagePosted posted) {
                    String line = posted.message().username() + ": " + posted.message().content();
                    out.println("bob sees #" + posted.message().seq() + " " + line);
                    bobSaw.add(line);
                    twoMessages.countDown();
                }
            }).value();
            aliceConnection.join(room.id(), null).toCompletableFuture().get();
            bobConnection.join(room.id(), null).toCompletableFuture().get();

            aliceConnection.send(new SendMessageCommand(room.id(), "Have some tea?", List.of(), null))
                    .toCompletableFuture().get();
            bobConnection.send(new SendMessageCommand(room.id(), "I don't see any tea.", List.of(), null))
                    .toCompletableFuture().get();
            // docs:end

            if (!twoMessages.await(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("messages did not arrive: " + bobSaw);
            }
            aliceConnection.close();
            bobConnection.close();
            return bobSaw;
        } finally {
            // The uploads were only for this run; closing the store above has let go of them.
            try (Stream<Path> files = Files.walk(uploads)) {
                files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            }
        }
    }
}
