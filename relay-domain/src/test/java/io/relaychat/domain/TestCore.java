package io.relaychat.domain;

import io.relaychat.adapter.local.InMemoryMessageStore;
import io.relaychat.adapter.local.InMemoryPresence;
import io.relaychat.adapter.local.InMemoryRoomStore;
import io.relaychat.adapter.local.InMemoryUserStore;
import io.relaychat.adapter.local.InProcessEventBus;
import io.relaychat.adapter.local.ThreadScheduler;
import io.relaychat.ports.in.CreateRoomCommand;
import io.relaychat.ports.in.RegisterCommand;
import io.relaychat.ports.model.Blob;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomType;
import io.relaychat.ports.model.User;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.BlobStore;
import io.relaychat.ports.out.MessageStore;
import io.relaychat.ports.out.PasswordHasher;
import io.relaychat.ports.out.PresencePort;
import io.relaychat.ports.out.RoomEventBus;
import io.relaychat.ports.out.SendForwarding;
import io.relaychat.ports.out.TokenIssuer;
import io.relaychat.ports.out.TokenVerifier;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.relaychat.testkit.Await.result;

/**
 * A core on the in-memory adapters, with a fast stand-in for bcrypt and opaque random tokens, plus
 * helpers to register users and make rooms in one line.
 */
final class TestCore {
    final InMemoryUserStore users = new InMemoryUserStore();
    final InMemoryRoomStore rooms = new InMemoryRoomStore();
    final MessageStore messages;
    final RoomEventBus bus;
    final PresencePort presence;
    final ThreadScheduler scheduler = new ThreadScheduler();
    final List<Throwable> faults = new CopyOnWriteArrayList<>();
    final RelayCore core;

    TestCore() {
        this(new InMemoryMessageStore(), InProcessEventBus.standalone(), new InMemoryPresence(), Limits.defaults());
    }

    TestCore(MessageStore messages, RoomEventBus bus, PresencePort presence, Limits limits) {
        this(messages, bus, SendForwarding.NONE, presence, limits);
    }

    TestCore(MessageStore messages, RoomEventBus bus, SendForwarding forwarding, PresencePort presence, Limits limits) {
        this.messages = messages;
        this.bus = bus;
        this.presence = presence;
        Tokens tokens = new Tokens();
        this.core = RelayCore.builder()
                .userStore(users).roomStore(rooms).messageStore(messages)
                .blobStore(new MemoryBlobs())
                .eventBus(bus).sendForwarding(forwarding).presence(presence).scheduler(scheduler)
                .passwordHasher(new QuickHasher())
                .tokens(tokens, tokens)
                .limits(limits)
                .onFault(faults::add)
                .build();
    }

    User register(String username) {
        return result(core.register().register(
                new RegisterCommand(username + "@example.com", username, "password-of-" + username))).value().user();
    }

    Room groupRoom(User creator, User... members) {
        return room(RoomType.GROUP, creator, members);
    }

    Room privateRoom(User creator, User... members) {
        return room(RoomType.PRIVATE, creator, members);
    }

    private Room room(RoomType type, User creator, User... members) {
        List<UserId> ids = Arrays.stream(members).map(User::id).toList();
        return result(core.rooms().createRoom(new CreateRoomCommand(creator.id(), "room-" + type.wireName(), type, ids)))
                .value();
    }

    /** Salted, reversible-free and instant: the rules need a hasher, not bcrypt's cost. */
    static final class QuickHasher implements PasswordHasher {
        @Override
        public CompletionStage<String> hash(String password) {
            String salt = UUID.randomUUID().toString().substring(0, 8);
            return CompletableFuture.completedFuture(salt + ":" + (salt + password).hashCode());
        }

        @Override
        public CompletionStage<Boolean> matches(String password, String hash) {
            int colon = hash.indexOf(':');
            boolean matches = colon > 0
                    && hash.substring(colon + 1).equals(String.valueOf((hash.substring(0, colon) + password).hashCode()));
            return CompletableFuture.completedFuture(matches);
        }
    }

    /** Random opaque tokens remembered in memory. */
    static final class Tokens implements TokenIssuer, TokenVerifier {
        private final Map<String, UserId> issued = new ConcurrentHashMap<>();

        @Override
        public String issue(UserId userId) {
            String token = UUID.randomUUID().toString();
            issued.put(token, userId);
            return token;
        }

        @Override
        public Optional<UserId> verify(String token) {
            return Optional.ofNullable(issued.get(token));
        }
    }

    static final class MemoryBlobs implements BlobStore {
        final Map<String, Blob> stored = new ConcurrentHashMap<>();

        @Override
        public CompletionStage<Void> put(String name, Blob blob) {
            stored.put(name, blob);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Optional<Blob>> get(String name) {
            return CompletableFuture.completedFuture(Optional.ofNullable(stored.get(name)));
        }
    }
}
