package io.relaychat.domain;

import io.relaychat.ports.in.AuthenticateUseCase;
import io.relaychat.ports.in.ChatUseCase;
import io.relaychat.ports.in.ClusterEvents;
import io.relaychat.ports.in.FetchHistoryUseCase;
import io.relaychat.ports.in.HealthUseCase;
import io.relaychat.ports.in.LoginUseCase;
import io.relaychat.ports.in.RegisterUseCase;
import io.relaychat.ports.in.RelayUseCases;
import io.relaychat.ports.in.RoomsUseCase;
import io.relaychat.ports.in.SearchUsersUseCase;
import io.relaychat.ports.in.ServerApiUseCase;
import io.relaychat.ports.in.UploadsUseCase;
import io.relaychat.ports.out.BlobStore;
import io.relaychat.ports.out.DependencyProbe;
import io.relaychat.ports.out.IdSource;
import io.relaychat.ports.out.MessageStore;
import io.relaychat.ports.out.PasswordHasher;
import io.relaychat.ports.out.PresencePort;
import io.relaychat.ports.out.RelayMetrics;
import io.relaychat.ports.out.RoomActivity;
import io.relaychat.ports.out.RoomEventBus;
import io.relaychat.ports.out.SendForwarding;
import io.relaychat.ports.out.RoomStore;
import io.relaychat.ports.out.Scheduler;
import io.relaychat.ports.out.TimeSource;
import io.relaychat.ports.out.TokenIssuer;
import io.relaychat.ports.out.TokenVerifier;
import io.relaychat.ports.out.UserStore;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The RelayChat core, assembled from implementations of the outbound ports. This is the embedding
 * entry point: the server builds one with adapters chosen from its configuration, and any JVM
 * program can do the same with its own.
 *
 * <pre>{@code
 * RelayCore core = RelayCore.builder()
 *         .userStore(users).roomStore(rooms).messageStore(messages).blobStore(blobs)
 *         .eventBus(bus).presence(presence).scheduler(scheduler)
 *         .passwordHasher(hasher).tokens(tokenIssuer, tokenVerifier)
 *         .build();
 * ChatConnection alice = core.chat().connect(aliceUser, event -> ...);
 * }</pre>
 * Several nodes: also hand {@link #clusterEvents()} to the adapters that link them, e.g.
 * {@code redisNode.attach(core.clusterEvents())}.
 */
public final class RelayCore implements RelayUseCases {
    private final AccountService accounts;
    private final RoomService rooms;
    private final UploadService uploads;
    private final ChatRequests chat;
    private final ClusterInbox cluster;
    private final NodeHealth health;
    private final RoomRouter router;
    /** Null while the server has no API key. */
    private final ServerApi serverApi;

    private RelayCore(Builder b) {
        Faults faults = new Faults(b.faultListener);
        RoomDirectory directory = new RoomDirectory(b.roomStore, b.limits.roomCacheSize(), b.eventBus::isAvailable);
        LocalConnections connections = new LocalConnections();
        MemberDepartures departures = new MemberDepartures(directory, connections, b.eventBus, faults);
        // One allowance for joining and leaving rooms, over REST and WebSocket alike.
        ChatQuotas quotas = new ChatQuotas(b.limits, b.timeSource, b.metrics);
        // A listener that throws must not fail the send or the request it is told of; it is told each room's events
        // in the room's order. With none, nothing is tracked on the send path and nothing is told.
        RoomActivityOrder activity = b.roomActivity == RoomActivity.NONE ? RoomActivityOrder.OFF
                : new RoomActivityOrder(event -> {
                    try {
                        b.roomActivity.happened(event);
                    } catch (RuntimeException e) {
                        faults.report(e);
                    }
                }, b.scheduler, faults);
        this.accounts = new AccountService(b.userStore, b.passwordHasher, b.tokenIssuer, b.tokenVerifier,
                b.timeSource, b.idSource, b.limits.rates(), b.metrics, b.localAccounts);
        this.rooms = new RoomService(b.roomStore, b.userStore, b.messageStore, directory, b.timeSource, b.idSource,
                b.limits, b.metrics, quotas, departures, activity);
        this.uploads = new UploadService(b.blobStore, b.idSource, b.limits.maxUploadBytes(), b.limits.rates().uploads(),
                b.timeSource, b.metrics);
        Map<String, DependencyProbe> probes = new LinkedHashMap<>();
        if (b.storeProbe != null) {
            probes.put("store", b.storeProbe);
        }
        if (b.busProbe != null) {
            probes.put("bus", b.busProbe);
        }
        this.health = new NodeHealth(b.eventBus, b.presence,
                new ReadinessProbes(probes, b.readinessBounds, b.scheduler, b.timeSource));

        RoomRouter router = new RoomRouter(connections, directory, b.messageStore, b.eventBus, b.scheduler, b.limits,
                faults, b.metrics);
        this.router = router;
        PresenceAnnouncer announcer = new PresenceAnnouncer(b.presence, router, b.limits, b.scheduler, faults);
        MessageSending sending = new MessageSending(directory, b.messageStore, b.sendForwarding, router, b.timeSource,
                b.messageIdSource, b.metrics, activity);
        this.chat = new ChatRequests(directory, connections, router, announcer, sending,
                new ContentPolicy(b.limits.maxContentChars()), quotas,
                b.limits.maxConnectionsPerUser(), b.idSource, b.metrics);
        UserDisconnects disconnects = new UserDisconnects(connections, b.eventBus, faults);
        disconnects.listen();
        this.cluster = new ClusterInbox(router, sending, announcer, departures, disconnects);
        this.serverApi = b.serverApiKeys.isEmpty() ? null : new ServerApi(
                new ServerApiKeys(b.serverApiKeys, b.limits.rates().loginsPerAddress(), b.timeSource),
                directory, b.roomStore, b.userStore, b.messageStore, b.presence, sending,
                new ContentPolicy(b.limits.maxContentChars()), departures, disconnects, activity, b.timeSource,
                b.idSource);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public RegisterUseCase register() {
        return accounts;
    }

    @Override
    public LoginUseCase login() {
        return accounts;
    }

    @Override
    public AuthenticateUseCase authenticate() {
        return accounts;
    }

    @Override
    public SearchUsersUseCase searchUsers() {
        return accounts;
    }

    @Override
    public RoomsUseCase rooms() {
        return rooms;
    }

    @Override
    public FetchHistoryUseCase history() {
        return rooms;
    }

    @Override
    public UploadsUseCase uploads() {
        return uploads;
    }

    @Override
    public ChatUseCase chat() {
        return chat;
    }

    @Override
    public HealthUseCase health() {
        return health;
    }

    @Override
    public Optional<ServerApiUseCase> serverApi() {
        return Optional.ofNullable(serverApi);
    }

    /**
     * Where the adapters that link this node to others (bus, shared presence, send forwarding) deliver what
     * they hear: hand it to them once, right after building the core and before the first client connects.
     * A node alone needs none of this.
     */
    public ClusterEvents clusterEvents() {
        return cluster;
    }

    /** Rooms this node has a connection joined to, and so subscribes to on the bus: read when metrics are scraped. */
    public int joinedRooms() {
        return router.joinedRooms();
    }

    /**
     * Every port is required except send forwarding, time, ids, limits, the fault listener, the readiness
     * probes and bounds, the metrics and room activity, which have defaults.
     */
    public static final class Builder {
        private UserStore userStore;
        private RoomStore roomStore;
        private MessageStore messageStore;
        private BlobStore blobStore;
        private RoomEventBus eventBus;
        private SendForwarding sendForwarding = SendForwarding.NONE;
        private PresencePort presence;
        private Scheduler scheduler;
        private PasswordHasher passwordHasher;
        private TokenIssuer tokenIssuer;
        private TokenVerifier tokenVerifier;
        private TimeSource timeSource = Instant::now;
        private IdSource idSource = () -> UUID.randomUUID().toString();
        private IdSource messageIdSource = new TimeOrderedIds();
        private Limits limits = Limits.defaults();
        private Consumer<Throwable> faultListener = error -> { };
        private DependencyProbe storeProbe;
        private DependencyProbe busProbe;
        private ReadinessBounds readinessBounds = ReadinessBounds.defaults();
        private RelayMetrics metrics = RelayMetrics.NONE;
        private boolean localAccounts = true;
        private RoomActivity roomActivity = RoomActivity.NONE;
        private List<String> serverApiKeys = List.of();

        private Builder() {
        }

        public Builder userStore(UserStore value) {
            this.userStore = value;
            return this;
        }

        public Builder roomStore(RoomStore value) {
            this.roomStore = value;
            return this;
        }

        public Builder messageStore(MessageStore value) {
            this.messageStore = value;
            return this;
        }

        public Builder blobStore(BlobStore value) {
            this.blobStore = value;
            return this;
        }

        public Builder eventBus(RoomEventBus value) {
            this.eventBus = value;
            return this;
        }

        /** Which node stores which room's messages; by default this node stores every room's. */
        public Builder sendForwarding(SendForwarding value) {
            this.sendForwarding = value;
            return this;
        }

        public Builder presence(PresencePort value) {
            this.presence = value;
            return this;
        }

        /** Runs the core's timers (gap checks); the core owns no threads. */
        public Builder scheduler(Scheduler value) {
            this.scheduler = value;
            return this;
        }

        public Builder passwordHasher(PasswordHasher value) {
            this.passwordHasher = value;
            return this;
        }

        public Builder tokens(TokenIssuer issuer, TokenVerifier verifier) {
            this.tokenIssuer = issuer;
            this.tokenVerifier = verifier;
            return this;
        }

        /**
         * Whether users may register and log in with a password here (the default). Off, both are refused
         * (local_accounts_off) and users come only through tokens whose verifier vouches for them.
         */
        public Builder localAccounts(boolean value) {
            this.localAccounts = value;
            return this;
        }

        public Builder timeSource(TimeSource value) {
            this.timeSource = value;
            return this;
        }

        /** Ids of users, rooms, connections and uploaded files; random UUIDs unless set. */
        public Builder idSource(IdSource value) {
            this.idSource = value;
            return this;
        }

        /** Ids of messages; UUIDs ordered by time unless set ({@link TimeOrderedIds}: why). */
        public Builder messageIdSource(IdSource value) {
            this.messageIdSource = value;
            return this;
        }

        public Builder limits(Limits value) {
            this.limits = value;
            return this;
        }

        /**
         * Told of faults the core cannot answer to a client itself, such as a failed publication to
         * other nodes. The core has no logger of its own: the embedding program decides where these go.
         */
        public Builder onFault(Consumer<Throwable> value) {
            this.faultListener = value;
            return this;
        }

        /**
         * What readiness pings: the stores' database and the bus (reported as "store" and "bus"). A dependency
         * without a probe is not asked, and a core given none is always ready.
         */
        public Builder probes(DependencyProbe store, DependencyProbe bus) {
            this.storeProbe = store;
            this.busProbe = bus;
            return this;
        }

        public Builder readinessBounds(ReadinessBounds value) {
            this.readinessBounds = value;
            return this;
        }

        /** Where the core reports what it does, for an operator; by default nowhere ({@link RelayMetrics#NONE}). */
        public Builder metrics(RelayMetrics value) {
            this.metrics = value;
            return this;
        }

        /**
         * Told of messages stored, rooms created and members added or gone on this node (outgoing webhooks); by
         * default no one ({@link RoomActivity#NONE}). It must return at once: it is called on the send path. Each
         * room's events are told in the room's order, its messages by seq (as this node stored them).
         */
        public Builder roomActivity(RoomActivity value) {
            this.roomActivity = value;
            return this;
        }

        /**
         * The keys trusted backends call the server API with ({@link ServerApiUseCase}); several, so that one can be
         * replaced while the other still works. None (the default): the server API is off.
         */
        public Builder serverApiKeys(List<String> value) {
            this.serverApiKeys = List.copyOf(value);
            return this;
        }

        public RelayCore build() {
            Objects.requireNonNull(userStore, "userStore");
            Objects.requireNonNull(roomStore, "roomStore");
            Objects.requireNonNull(messageStore, "messageStore");
            Objects.requireNonNull(blobStore, "blobStore");
            Objects.requireNonNull(eventBus, "eventBus");
            Objects.requireNonNull(sendForwarding, "sendForwarding");
            Objects.requireNonNull(presence, "presence");
            Objects.requireNonNull(scheduler, "scheduler");
            Objects.requireNonNull(passwordHasher, "passwordHasher");
            Objects.requireNonNull(tokenIssuer, "tokenIssuer");
            Objects.requireNonNull(tokenVerifier, "tokenVerifier");
            Objects.requireNonNull(timeSource, "timeSource");
            Objects.requireNonNull(idSource, "idSource");
            Objects.requireNonNull(messageIdSource, "messageIdSource");
            Objects.requireNonNull(limits, "limits");
            Objects.requireNonNull(faultListener, "faultListener");
            Objects.requireNonNull(readinessBounds, "readinessBounds");
            Objects.requireNonNull(metrics, "metrics");
            Objects.requireNonNull(roomActivity, "roomActivity");
            return new RelayCore(this);
        }
    }
}
