package io.relaychat.domain;

import io.relaychat.adapter.local.InMemoryMessageStore;
import io.relaychat.adapter.local.InMemoryPresence;
import io.relaychat.adapter.local.InMemoryRoomStore;
import io.relaychat.adapter.local.InMemoryUserStore;
import io.relaychat.adapter.local.InProcessEventBus;
import io.relaychat.adapter.local.ThreadScheduler;
import io.relaychat.ports.in.CreateRoomCommand;
import io.relaychat.ports.in.RegisterCommand;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomType;
import io.relaychat.ports.model.User;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.MessageStore;
import io.relaychat.ports.out.PasswordHasher;
import io.relaychat.ports.out.PresencePort;
import io.relaychat.ports.out.RoomActivity;
import io.relaychat.ports.out.RoomEventBus;
import io.relaychat.ports.out.SendForwarding;
import io.relaychat.testkit.RecordingMetrics;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.relaychat.testkit.Await.result;

/**
 * A core on the in-memory adapters, with the test doubles of {@link TestDoubles} for hashing, tokens and
 * blobs, plus helpers to register users, make rooms and connect clients in one line.
 */
final class TestCore {
    final InMemoryUserStore users = new InMemoryUserStore();
    final InMemoryRoomStore rooms = new InMemoryRoomStore();
    final MessageStore messages;
    final RoomEventBus bus;
    final PresencePort presence;
    final ThreadScheduler scheduler = new ThreadScheduler();
    final List<Throwable> faults = new CopyOnWriteArrayList<>();
    /** The core's time: it moves only when a test advances it, so rate limits are tested without waiting. */
    final TestClock clock = new TestClock();
    /** What the core reported. */
    final RecordingMetrics metrics = new RecordingMetrics();
    /** Issues the server's own tokens and, for users of an identity provider, tokens as its verifier would vouch. */
    final TestDoubles.Tokens tokens = new TestDoubles.Tokens();
    /** What the core told of room activity, in the order it told it. */
    final List<RoomActivity.Event> activity = new CopyOnWriteArrayList<>();
    final RelayCore core;

    TestCore() {
        this(new InMemoryMessageStore(), InProcessEventBus.standalone(), new InMemoryPresence(), Limits.defaults());
    }

    /** On the in-memory adapters with these limits. */
    TestCore(Limits limits) {
        this(new InMemoryMessageStore(), InProcessEventBus.standalone(), new InMemoryPresence(), limits);
    }

    TestCore(MessageStore messages, RoomEventBus bus, PresencePort presence, Limits limits) {
        this(messages, bus, SendForwarding.NONE, presence, limits);
    }

    TestCore(MessageStore messages, RoomEventBus bus, SendForwarding forwarding, PresencePort presence, Limits limits) {
        this(messages, bus, forwarding, presence, limits, new TestDoubles.QuickHasher());
    }

    /** On the in-memory adapters with these limits and this password hasher. */
    TestCore(Limits limits, PasswordHasher hasher) {
        this(new InMemoryMessageStore(), InProcessEventBus.standalone(), SendForwarding.NONE, new InMemoryPresence(),
                limits, hasher, true, List.of());
    }

    private TestCore(MessageStore messages, RoomEventBus bus, SendForwarding forwarding, PresencePort presence,
                     Limits limits, PasswordHasher hasher) {
        this(messages, bus, forwarding, presence, limits, hasher, true, List.of());
    }

    private TestCore(MessageStore messages, RoomEventBus bus, SendForwarding forwarding, PresencePort presence,
                     Limits limits, PasswordHasher hasher, boolean localAccounts, List<String> apiKeys) {
        this.messages = messages;
        this.bus = bus;
        this.presence = presence;
        this.core = RelayCore.builder()
                .localAccounts(localAccounts)
                .userStore(users).roomStore(rooms).messageStore(messages)
                .blobStore(new TestDoubles.MemoryBlobs())
                .eventBus(bus).sendForwarding(forwarding).presence(presence).scheduler(scheduler)
                .passwordHasher(hasher)
                .tokens(tokens, tokens)
                .limits(limits)
                .timeSource(clock)
                .onFault(faults::add)
                .metrics(metrics)
                .roomActivity(activity::add)
                .serverApiKeys(apiKeys)
                .build();
    }

    /** A core whose users come only through the identity provider: register and login are off. */
    static TestCore withoutLocalAccounts() {
        return new TestCore(new InMemoryMessageStore(), InProcessEventBus.standalone(), SendForwarding.NONE,
                new InMemoryPresence(), Limits.defaults(), new TestDoubles.QuickHasher(), false, List.of());
    }

    /** A core whose server API takes these keys, on this bus (a node of a cluster, or alone). */
    static TestCore withServerApi(RoomEventBus bus, String... keys) {
        return new TestCore(new InMemoryMessageStore(), bus, SendForwarding.NONE, new InMemoryPresence(),
                Limits.defaults(), new TestDoubles.QuickHasher(), true, List.of(keys));
    }

    TestClient connect(User user) {
        RecordingClient events = new RecordingClient();
        return new TestClient(core.chat().connect(user, events).value(), events);
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
}
