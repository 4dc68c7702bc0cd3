package io.relaychat.server;

import io.relaychat.adapter.auth.AcceptedTokens;
import io.relaychat.adapter.auth.BcryptPasswordHasher;
import io.relaychat.adapter.auth.IdentityProviderTokens;
import io.relaychat.adapter.auth.JwtTokens;
import io.relaychat.adapter.local.ThreadScheduler;
import io.relaychat.adapter.netty.NettyTransport;
import io.relaychat.adapter.netty.WebClient;
import io.relaychat.adapter.webhook.WebhookDispatcher;
import io.relaychat.domain.RelayCore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.relaychat.ports.out.RelayMetrics;
import io.relaychat.ports.out.TokenVerifier;
import io.relaychat.ports.out.RoomActivity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * One server node: adapters chosen from the configuration, the core, and the transport in front (serving the web
 * client too, unless RELAY_WEB_CLIENT is false).
 */
public final class RelayServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RelayServer.class);
    private static final Duration MAX_CLOSE_RESERVE = Duration.ofSeconds(2);

    private final ServerConfig config;
    private final Storage storage;
    private final Cluster cluster;
    private final RelayCore core;
    private final NettyTransport transport;
    private final BcryptPasswordHasher hasher;
    private final ThreadScheduler scheduler = new ThreadScheduler();
    private final String auth;
    /** Tokens of the application's identity provider, when one is configured: its JWKS fetches have a thread. */
    private final Optional<IdentityProviderTokens> identityProvider;
    /** Null while webhooks are off (RELAY_WEBHOOK_URL unset). */
    private final WebhookDispatcher webhooks;
    /** Whether the web client is served, and which build: for the start-up line. */
    private final String webClient;
    /** Null while metrics are off (RELAY_METRICS_PORT unset or 0). */
    private final PrometheusMeterRegistry registry;
    private NodeMeters meters;
    private MetricsEndpoint metricsEndpoint;
    /** Set once closing starts: faults from then on come from the closing itself. */
    private volatile boolean closing;

    public RelayServer(ServerConfig config) {
        this.config = config;
        this.registry = config.metrics().enabled() ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) : null;
        RelayMetrics metrics = registry == null ? RelayMetrics.NONE : new MicrometerRelayMetrics(registry);
        this.storage = Storage.from(config, NettyTransport.deliveryBatching());
        try {
            this.cluster = Cluster.from(config, metrics);
        } catch (RuntimeException e) {
            storage.close();
            throw e;
        }

        // What is built so far is closed if a later part fails (a TLS file that cannot be read, say), so that a
        // program embedding the server does not keep a MongoDB client or a Redis connection it never got.
        BcryptPasswordHasher hasherBuilt = null;
        IdentityConfig identity = config.identity();
        Optional<IdentityProviderTokens> providerBuilt = Optional.empty();
        WebhookDispatcher webhooksBuilt = null;
        try {
            String secret = config.jwtSecret();
            String own;
            if (secret == null) {
                secret = JwtTokens.randomSecret();
                if (identity.localAccounts()) {
                    log.warn("auth: JWT_SECRET_KEY is not set; using a random secret, so tokens die with this process");
                }
                own = "JWT HS256 with a random secret";
            } else {
                own = "JWT HS256 with the secret from JWT_SECRET_KEY";
            }
            JwtTokens tokens = new JwtTokens(secret, config.tokenLifetime(), Clock.systemUTC());
            providerBuilt = identity.provider().map(provider -> identity.publicKey().isPresent()
                    ? IdentityProviderTokens.withKey(provider, identity.publicKey().get(), Clock.systemUTC())
                    : IdentityProviderTokens.withJwks(provider, identity.jwks().orElseThrow(), Clock.systemUTC()));
            this.identityProvider = providerBuilt;
            TokenVerifier accepted = new AcceptedTokens(identity.localAccounts() ? Optional.of(tokens) : Optional.empty(),
                    providerBuilt.map(TokenVerifier.class::cast));
            this.auth = "auth: " + (identity.localAccounts() ? own : "local accounts off")
                    + identity.provider().map(provider -> ", and tokens of " + provider.issuer() + " ("
                    + identity.jwks().map(jwks -> "JWKS " + jwks.url()).orElse("key from RELAY_OIDC_PUBLIC_KEY") + ")")
                    .orElse("");
            this.hasher = new BcryptPasswordHasher(config.bcryptCost(), config.bcryptThreads(), config.bcryptMaxWait(),
                    metrics);
            hasherBuilt = hasher;
            this.webhooks = config.webhooks() == null ? null : WebhookDispatcher.start(config.webhooks(), metrics);
            webhooksBuilt = webhooks;

            this.core = RelayCore.builder()
                    .userStore(storage.users())
                    .roomStore(storage.rooms())
                    .messageStore(storage.messages())
                    .blobStore(storage.blobs())
                    .eventBus(cluster.bus())
                    .sendForwarding(cluster.forwarding())
                    .presence(cluster.presence())
                    .scheduler(scheduler)
                    .passwordHasher(hasher)
                    .tokens(tokens, accepted)
                    .localAccounts(identity.localAccounts())
                    .limits(config.limits())
                    .onFault(this::fault)
                    .probes(storage.probe(), cluster.probe())
                    .readinessBounds(config.readiness())
                    .metrics(metrics)
                    .roomActivity(webhooks == null ? RoomActivity.NONE : webhooks)
                    .serverApiKeys(config.serverApiKeys())
                    .build();
            cluster.attach(storage.observing().apply(core.clusterEvents()));
            // Read here, once, before the transport listens: its event loops only ever answer from memory.
            Optional<WebClient> site = config.webClient()
                    ? Optional.of(WebClientFiles.load(RelayServer.class.getClassLoader()))
                    : Optional.empty();
            this.webClient = site.map(client -> "web client: served at / (version " + client.version() + ", "
                    + client.fileCount() + " files)").orElse("web client: off");
            this.transport = new NettyTransport(core, config.transport().withWebClient(site), metrics,
                    config.ioTransport());
        } catch (RuntimeException e) {
            if (hasherBuilt != null) {
                hasherBuilt.close();
            }
            providerBuilt.ifPresent(IdentityProviderTokens::close);
            if (webhooksBuilt != null) {
                webhooksBuilt.close();
            }
            scheduler.close();
            cluster.close();
            storage.close();
            throw e;
        }
    }

    /** Starts listening, and serving /metrics on its own port when that is set; returns the bound public port. */
    public int start() throws InterruptedException {
        int port = transport.start();
        if (registry != null) {
            Duration probeBound = config.readiness().probeTimeout();
            if (webhooks != null) {
                Gauge.builder("relay.webhook.queued", webhooks, WebhookDispatcher::queued)
                        .description("Webhook events waiting for the receiver or out to it").register(registry);
            }
            meters = new NodeMeters(registry, new NodeMeters.Sources(transport::openConnections,
                    transport::openWebSockets, core::joinedRooms, hasher::queued, core.health(),
                    (probeBound.isZero() ? Duration.ofSeconds(5) : probeBound).plusSeconds(1)));
            try {
                metricsEndpoint = new MetricsEndpoint(config.metrics(), registry);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot serve /metrics on " + config.metrics().host() + ":"
                        + config.metrics().port(), e);
            }
            log.info("metrics on http://{}:{}/metrics", config.metrics().host(), metricsEndpoint.port());
        }
        return port;
    }

    /** The port /metrics is served on; fails while metrics are off or not started. */
    public int metricsPort() {
        if (metricsEndpoint == null) {
            throw new IllegalStateException("metrics are off (RELAY_METRICS_PORT) or not started");
        }
        return metricsEndpoint.port();
    }

    public int port() {
        return transport.port();
    }

    public RelayCore core() {
        return core;
    }

    /** The adapters chosen from the configuration, for the start-up line: no secret, no credential. */
    public String adapters() {
        return storage.description() + "; " + cluster.description() + "; " + auth + "; " + webClient
                + (webhooks == null ? "" : "; " + webhooks.describe())
                + (config.serverApiKeys().isEmpty() ? "" : "; server API on (" + config.serverApiKeys().size()
                        + (config.serverApiKeys().size() == 1 ? " key)" : " keys)"));
    }

    /** Request body bytes the node holds now, all connections together: what the body budget bounds. */
    public long bodyBytesHeld() {
        return transport.bodyBytesHeld();
    }

    /** Open connections, HTTP and WebSocket. */
    public int openConnections() {
        return transport.openConnections();
    }

    private void fault(Throwable error) {
        if (closing) {
            // Work still in flight when the pools and connections close fails for that reason alone.
            log.debug("fault while closing: {}", error.toString());
        } else {
            log.error("core fault", error);
        }
    }

    /**
     * Stops gracefully within the shutdown grace: the transport first (it stops accepting, answers what it has,
     * closes the WebSockets spread over a few seconds, and returns once none of its answers waits on the core),
     * so that a login waiting on bcrypt finishes before the hasher stops, and a message acknowledged to a client
     * is in the store before the bus and the store close. The transport gets the grace less a reserve for the rest.
     * Then the webhook events still pending get what is left of the grace but half the reserve.
     */
    @Override
    public void close() {
        closing = true;
        long started = System.nanoTime();
        Duration grace = config.shutdownGrace();
        Duration reserve = closeReserve(grace);
        transport.stop(grace.minus(reserve), config.shutdownSpread());
        if (webhooks != null) {
            Duration spent = Duration.ofNanos(System.nanoTime() - started);
            webhooks.close(grace.minus(reserve.dividedBy(2)).minus(spent));
        }
        if (metricsEndpoint != null) {
            metricsEndpoint.close();
            meters.close();
        }
        hasher.close();
        identityProvider.ifPresent(IdentityProviderTokens::close);
        scheduler.close();
        cluster.close();
        storage.close();
        log.info("stopped");
    }

    /** What the grace keeps for closing the hasher, the cluster and the store after the transport: a quarter, at most 2 s. */
    static Duration closeReserve(Duration grace) {
        Duration quarter = grace.dividedBy(4);
        return quarter.compareTo(MAX_CLOSE_RESERVE) > 0 ? MAX_CLOSE_RESERVE : quarter;
    }
}
