package io.relaychat.server;

import io.relaychat.adapter.auth.BcryptPasswordHasher;
import io.relaychat.adapter.auth.JwtTokens;
import io.relaychat.adapter.local.FileSystemBlobStore;
import io.relaychat.adapter.local.InMemoryMessageStore;
import io.relaychat.adapter.local.InMemoryPresence;
import io.relaychat.adapter.local.InMemoryRoomStore;
import io.relaychat.adapter.local.InMemoryUserStore;
import io.relaychat.adapter.local.InProcessEventBus;
import io.relaychat.adapter.local.ThreadScheduler;
import io.relaychat.adapter.netty.NettyTransport;
import io.relaychat.adapter.netty.TransportSettings;
import io.relaychat.domain.Limits;
import io.relaychat.domain.RelayCore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;

/** One server node: adapters chosen from the configuration, the core, and the transport in front. */
public final class RelayServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RelayServer.class);

    private final ServerConfig config;
    private final RelayCore core;
    private final NettyTransport transport;
    private final BcryptPasswordHasher hasher;
    private final FileSystemBlobStore blobs;
    private final ThreadScheduler scheduler = new ThreadScheduler();

    public RelayServer(ServerConfig config) {
        this.config = config;
        if (config.mongoUrl() != null) {
            throw new ConfigException("MONGO_URL is set, but this build has no MongoDB adapter; unset it to run "
                    + "with the embedded store");
        }
        if (config.redisUrl() != null) {
            throw new ConfigException("REDIS_URL is set, but this build has no Redis adapter; unset it to run a "
                    + "single node");
        }
        log.info("storage: local in-memory — data is lost on restart; set MONGO_URL for durable storage");
        log.info("event bus and presence: in-process — a single node; set REDIS_URL to run several nodes");
        this.blobs = new FileSystemBlobStore(config.uploadDir(), 2);
        log.info("uploads: folder {}", blobs.folder());

        String secret = config.jwtSecret();
        if (secret == null) {
            secret = JwtTokens.randomSecret();
            log.warn("auth: JWT_SECRET_KEY is not set; using a random secret, so tokens die with this process");
        } else {
            log.info("auth: JWT HS256 with the secret from JWT_SECRET_KEY");
        }
        JwtTokens tokens = new JwtTokens(secret, config.tokenLifetime(), Clock.systemUTC());
        this.hasher = new BcryptPasswordHasher(config.bcryptCost(), config.bcryptThreads(), 10_000);

        this.core = RelayCore.builder()
                .userStore(new InMemoryUserStore())
                .roomStore(new InMemoryRoomStore())
                .messageStore(new InMemoryMessageStore())
                .blobStore(blobs)
                .eventBus(InProcessEventBus.standalone())
                .presence(new InMemoryPresence())
                .scheduler(scheduler)
                .passwordHasher(hasher)
                .tokens(tokens, tokens)
                .limits(Limits.defaults()
                        .withMaxContentChars(config.maxContentChars())
                        .withMaxUploadBytes(config.maxUploadBytes()))
                .onFault(error -> log.error("core fault", error))
                .build();
        this.transport = new NettyTransport(core, new TransportSettings(config.host(), config.port(),
                config.corsOrigins(), config.maxUploadBytes(), 1024 * 1024, config.maxFrameBytes(),
                config.idleTimeout(), config.ioThreads()));
    }

    /** Starts listening; returns the bound port. */
    public int start() throws InterruptedException {
        return transport.start();
    }

    public int port() {
        return transport.port();
    }

    public RelayCore core() {
        return core;
    }

    /** Stops accepting, closes WebSockets with 1001 after their pending writes, then releases the pools. */
    @Override
    public void close() {
        transport.stop(config.shutdownGrace());
        hasher.close();
        blobs.close();
        scheduler.close();
        log.info("stopped");
    }
}
