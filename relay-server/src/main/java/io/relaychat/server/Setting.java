package io.relaychat.server;

import io.relaychat.adapter.auth.BcryptPasswordHasher;
import io.relaychat.adapter.auth.IdentityProviderSettings;
import io.relaychat.adapter.auth.JwksSettings;
import io.relaychat.adapter.auth.JwtTokens;
import io.relaychat.adapter.local.InMemoryMessageStore;
import io.relaychat.adapter.mongo.MongoSettings;
import io.relaychat.adapter.netty.NettyTransport;
import io.relaychat.adapter.netty.TransportSettings;
import io.relaychat.adapter.redis.RedisSettings;
import io.relaychat.adapter.sqlite.SqliteSettings;
import io.relaychat.adapter.webhook.WebhookSettings;
import io.relaychat.domain.Limits;
import io.relaychat.domain.ReadinessBounds;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import static io.relaychat.server.Setting.Group.CLUSTER;
import static io.relaychat.server.Setting.Group.CONNECTIONS;
import static io.relaychat.server.Setting.Group.HTTP;
import static io.relaychat.server.Setting.Group.LIFECYCLE;
import static io.relaychat.server.Setting.Group.LOGGING;
import static io.relaychat.server.Setting.Group.MESSAGES;
import static io.relaychat.server.Setting.Group.NETWORK;
import static io.relaychat.server.Setting.Group.RATES;
import static io.relaychat.server.Setting.Group.SECURITY;
import static io.relaychat.server.Setting.Group.STORAGE;
import static io.relaychat.server.Setting.Group.WEBHOOKS;
import static io.relaychat.server.Setting.Group.WEBSOCKET;
import static io.relaychat.server.Setting.Value.bool;
import static io.relaychat.server.Setting.Value.decimal;
import static io.relaychat.server.Setting.Value.integer;
import static io.relaychat.server.Setting.Value.list;
import static io.relaychat.server.Setting.Value.millis;
import static io.relaychat.server.Setting.Value.seconds;
import static io.relaychat.server.Setting.Value.text;

/**
 * The settings table: every environment variable the server reads is one constant here, named as the variable,
 * with its type, default, bounds, group, one-line meaning and whether it is a secret. {@link EnvReader} reads only
 * these, so the environment reading, {@code --help}, docs/configuration.md, the start-up summary and the warning
 * about misspelt variables all come from this one list.
 * <p>
 * Adding a setting is one row: pick the group, give the default from the constant that owns it (never a copied
 * number), the bounds and what a client or operator notices; then read it with {@code read.integer(Setting.X)}
 * (or text, bool, decimal, list) where the configuration is built, and regenerate docs/configuration.md.
 */
enum Setting {
    // Network
    HOST(NETWORK, text(Defaults.TRANSPORT.host(), "an address"), "address to bind"),
    PORT(NETWORK, integer(Defaults.TRANSPORT.port(), 0, 65535), "port to listen on (0: any free port)"),
    CORS_ORIGINS(NETWORK, list(Defaults.TRANSPORT.corsOrigins(), "comma-separated origins"),
            "browser origins allowed to call the API"),
    RELAY_TRUSTED_PROXIES(NETWORK, list(Defaults.TRANSPORT.trustedProxies(), "comma-separated addresses and networks"),
            "proxies whose X-Forwarded-For names the client's address; from anyone else the header is ignored"),
    RELAY_TLS_CERT(NETWORK, text(null, "a readable PEM file; needs RELAY_TLS_KEY"),
            "certificate chain (the server's first): the port then serves HTTPS and wss:// only (TLS 1.2 and 1.3)"),
    RELAY_TLS_KEY(NETWORK, text(null, "a readable unencrypted PKCS#8 PEM file; needs RELAY_TLS_CERT"),
            "the certificate's private key; both files are read once at start-up"),
    RELAY_METRICS_PORT(NETWORK, integer(0, 0, 65535).shown("0 (off)"),
            "port of its own serving GET /metrics in Prometheus format; the public port never serves it (0: off)"),
    RELAY_METRICS_HOST(NETWORK, text(null, "an address").shown("HOST's value"),
            "address the metrics port binds to, e.g. 127.0.0.1 to keep scrapes on the machine"),
    RELAY_IO_THREADS(NETWORK, integer(Defaults.TRANSPORT.ioThreads(), 0, 1024).shown("0 (Netty's: 2 × cores)"),
            "event loop threads"),
    RELAY_IO_TRANSPORT(NETWORK, text("auto", "auto, epoll or nio"),
            "how the event loops do I/O: auto is Netty's native epoll on Linux (cheaper hand-offs), NIO elsewhere"),

    // Storage
    MONGO_URL(STORAGE, text(null, "a MongoDB URI").secret(Secrecy.URL_CREDENTIALS),
            "storage in MongoDB, shared by several nodes; unset: the SQLite file in RELAY_DATA_DIR"),
    DB_NAME(STORAGE, text(Defaults.DB_NAME, "a database name"), "MongoDB database"),
    RELAY_MONGO_TIMEOUT_MS(STORAGE, millis(MongoSettings.DEFAULT_TIMEOUT, 100, 120_000),
            "bound on every MongoDB wait; past it: storage unavailable"),
    RELAY_MONGO_WRITE_CONCERN(STORAGE, text(null, "majority or a number of nodes")
            .shown("the URI's, else majority"), "MongoDB write concern, journaled either way (w=0 is refused)"),
    RELAY_MONGO_READ_PREFERENCE(STORAGE, text(null, "primary, primaryPreferred, secondary, secondaryPreferred or nearest")
            .shown("the URI's, else primary"),
            "MongoDB read preference"),
    RELAY_MONGO_MAX_POOL_SIZE(STORAGE, integer(MongoSettings.DEFAULT_MAX_POOL_SIZE, 1, 10_000),
            "MongoDB connections per node"),
    RELAY_MONGO_BATCH_WAIT_MS(STORAGE, decimal(MongoSettings.DEFAULT_BATCH_WAIT.toNanos() / 1e6, 0,
            MongoSettings.MAX_BATCH_WAIT.toMillis()),
            "MongoDB: how long a message that finds no other on its way to the store waits for others to share its "
                    + "insert (one round trip, one journal write), at most; 0: it goes at once"),
    RELAY_HISTORY_TTL_DAYS(STORAGE, integer(Defaults.HISTORY_TTL_DAYS, 0, 36_500),
            "MongoDB and SQLite: messages older than this many days are deleted (0: kept forever)"),
    RELAY_MEMORY_HISTORY_PER_ROOM(STORAGE, integer(InMemoryMessageStore.DEFAULT_MESSAGES_PER_ROOM, 0, 100_000_000),
            "memory store only: the newest messages each room keeps (0: all)"),
    RELAY_STORAGE(STORAGE, text(null, "memory, sqlite or mongodb").shown("mongodb when MONGO_URL is set, else sqlite"),
            "where users, rooms and messages live: an SQLite file in RELAY_DATA_DIR (one node, kept across restarts), "
                    + "MongoDB at MONGO_URL (several nodes), or memory (lost on restart; for tests and benchmarks)"),
    RELAY_DATA_DIR(STORAGE, text(Defaults.DATA_DIR, "a folder"),
            "the folder a node keeps its data in: the SQLite store (relay.db, relay.lock) and, unless "
                    + "RELAY_UPLOAD_DIR says otherwise, uploads; one server per folder"),
    RELAY_SQLITE_BATCH_WAIT_MS(STORAGE, decimal(SqliteSettings.DEFAULT_MAX_BATCH_WAIT.toNanos() / 1e6, 0, 100),
            "SQLite: how long a write waits for others to share its commit (one fsync), at most; 0: it shares only "
                    + "with the writes queued while the commit before it ran"),
    RELAY_UPLOAD_DIR(STORAGE, text(null, "a folder").shown("RELAY_DATA_DIR/uploads"),
            "folder for uploaded files (with MongoDB they are in GridFS instead)"),

    // Cluster
    REDIS_URL(CLUSTER, text(null, "a Redis URI; a redis-sentinel:// URI; or, with REDIS_CLUSTER, comma-separated URIs")
            .secret(Secrecy.URL_CREDENTIALS),
            "several nodes as one service (Redis 6.2+); needs MONGO_URL and JWT_SECRET_KEY"),
    REDIS_CLUSTER(CLUSTER, bool(false), "REDIS_URL names seed nodes of a Redis Cluster (7+; sharded pub/sub always)"),
    REDIS_SHARDED_PUBSUB(CLUSTER, bool(false), "room channels with SPUBLISH/SSUBSCRIBE (Redis 7+)"),
    RELAY_PRESENCE_TTL_MS(CLUSTER, millis(RedisSettings.DEFAULT_NODE_TTL, 300, 600_000),
            "a node that dies leaves presence within about this long"),

    // Security
    JWT_SECRET_KEY(SECURITY, text(null, "at least " + ServerConfig.MIN_SECRET_BYTES + " bytes")
            .shown("random per process").secret(Secrecy.SECRET),
            "HS256 secret shared by every node; without it tokens die with the process"),
    RELAY_TOKEN_TTL_HOURS(SECURITY, integer((int) JwtTokens.DEFAULT_LIFETIME.toHours(), 1, 24 * 365),
            "lifetime of issued tokens"),
    RELAY_BCRYPT_COST(SECURITY, integer(BcryptPasswordHasher.DEFAULT_COST, BcryptPasswordHasher.MIN_COST,
            BcryptPasswordHasher.MAX_COST), "bcrypt cost for new passwords"),
    RELAY_BCRYPT_THREADS(SECURITY, integer(BcryptPasswordHasher.defaultThreads(), 1, 256).shown("cores − 1"),
            "threads of the bounded password-hashing pool"),
    RELAY_BCRYPT_MAX_WAIT_MS(SECURITY, millis(BcryptPasswordHasher.DEFAULT_MAX_WAIT, 0, 600_000),
            "a login or registration whose hash would wait longer gets 503 server_busy (0: no bound)"),
    RELAY_API_KEY(SECURITY, text(null, "keys of at least " + ServerConfig.MIN_SECRET_BYTES
            + " bytes, comma-separated").secret(Secrecy.SECRET),
            "turns on the server API under /api/server/ for trusted backends, which send a key as Authorization: "
                    + "Bearer or X-Relay-Api-Key; two keys while one replaces the other (unset: off, 404)"),
    // Security: the application's identity provider (docs/security.md, "External identity providers")
    RELAY_LOCAL_ACCOUNTS(SECURITY, bool(true), "register, password login and the server's own HS256 tokens; false: only "
            + "the identity provider's tokens are taken, and register and login answer 403 local_accounts_off"),
    RELAY_OIDC_ISSUER(SECURITY, text(null, "the provider's iss, exactly"),
            "also take tokens of this issuer (RS256 or ES256); needs RELAY_OIDC_AUDIENCE and a key or a JWKS"),
    RELAY_OIDC_AUDIENCE(SECURITY, text(null, "the application's client id"), "the aud the provider's tokens must name"),
    RELAY_OIDC_PUBLIC_KEY(SECURITY, text(null, "a readable PEM file (PUBLIC KEY or CERTIFICATE): RSA of 2048 bits or "
            + "more, or EC P-256"), "the provider's signing key, read once at start-up; or RELAY_OIDC_JWKS_URL"),
    RELAY_OIDC_JWKS_URL(SECURITY, text(null, "an https:// URL (http:// only to a loopback address)"),
            "the provider's JWKS, fetched when a token names a key not held, and its keys held; or RELAY_OIDC_PUBLIC_KEY"),
    RELAY_OIDC_JWKS_KEEP_SECONDS(SECURITY, seconds(JwksSettings.DEFAULT_KEEP_KEYS, 1),
            "how long fetched keys are used before the JWKS is fetched again (a retired key works at most this long)"),
    RELAY_OIDC_JWKS_MIN_INTERVAL_SECONDS(SECURITY, seconds(JwksSettings.DEFAULT_MIN_INTERVAL, 1, 3600),
            "the JWKS is fetched at most once in this, whatever the tokens; within it a key not held is refused"),
    RELAY_OIDC_JWKS_TIMEOUT_MS(SECURITY, millis(JwksSettings.DEFAULT_TIMEOUT, 100, 60_000),
            "bound on connecting to the JWKS and on each read (a fetch: 3 times it); past it: 503 storage_unavailable"),
    RELAY_OIDC_USER_ID_CLAIM(SECURITY, text(IdentityProviderSettings.DEFAULT_USER_ID_CLAIM, "a claim name"),
            "the claim that names the user; the user id is idp: and its value"),
    RELAY_OIDC_USERNAME_CLAIM(SECURITY, text(IdentityProviderSettings.DEFAULT_USERNAME_CLAIM, "a claim name"),
            "the claim a first-seen user's username is taken from (suffixed when someone else has it)"),
    RELAY_OIDC_EMAIL_CLAIM(SECURITY, text(IdentityProviderSettings.DEFAULT_EMAIL_CLAIM, "a claim name"),
            "the claim a first-seen user's email is taken from (not when another account has it)"),

    // Messages and rooms
    RELAY_MAX_CONTENT_CHARS(MESSAGES, integer(Defaults.LIMITS.maxContentChars(), 1, 1_000_000),
            "longest message content; above it: content_too_long"),
    RELAY_MAX_UPLOAD_BYTES(MESSAGES, integer((int) Defaults.LIMITS.maxUploadBytes(), 1, 1024 * 1024 * 1024),
            "largest upload; above it: 413 payload_too_large"),
    RELAY_GAP_TIMEOUT_MS(MESSAGES, millis(Defaults.LIMITS.gapTimeout(), 10, 60_000),
            "how long a message waits for a missing earlier one before the store is asked"),
    RELAY_MAX_ROOMS_PER_CONNECTION(MESSAGES, integer(Defaults.LIMITS.maxRoomsPerConnection(), 0, 1_000_000),
            "rooms one WebSocket may have joined at once; over it: too_many_rooms"),
    RELAY_MAX_MEMBERS_PER_ROOM_CREATION(MESSAGES, integer(Defaults.LIMITS.maxMembersPerRoomCreation(), 0, 1_000_000),
            "member ids one POST /api/rooms may list; over it: 422 invalid_field"),

    // Rates: a *_RATE_PER_SECOND and its *_BURST make one limit, and either at 0 turns it off
    RELAY_SEND_RATE_PER_SECOND(RATES, perSecond(Defaults.RATES.sends().perSecond()),
            "messages one user may send per second on a node; over it: rate_limited, nothing stored"),
    RELAY_SEND_BURST(RATES, burst(Defaults.RATES.sends().burst()), "messages one user may send at once after a quiet while"),
    RELAY_TYPING_RATE_PER_SECOND(RATES, perSecond(Defaults.RATES.typing().perSecond()),
            "typing events per user per second; over it: rate_limited, nothing fanned out"),
    RELAY_TYPING_BURST(RATES, burst(Defaults.RATES.typing().burst()), "typing events one user may send at once"),
    RELAY_JOIN_RATE_PER_SECOND(RATES, perSecond(Defaults.RATES.joins().perSecond()),
            "join_room and leaving a room (POST /api/rooms/{id}/leave) per user per second, repeated joins count; "
                    + "over it: rate_limited"),
    RELAY_JOIN_BURST(RATES, burst(Defaults.RATES.joins().burst()), "joins and leaves one user may make at once"),
    RELAY_SEARCH_RATE_PER_SECOND(RATES, perSecond(Defaults.RATES.searches().perSecond()),
            "user searches per user per second; over it: 429 rate_limited"),
    RELAY_SEARCH_BURST(RATES, burst(Defaults.RATES.searches().burst()), "searches one user may make at once"),
    RELAY_ROOMS_CREATED_PER_HOUR(RATES, integer(Defaults.RATES.roomCreations().burst(), 0, 1_000_000),
            "rooms one user may create per hour; over it: 429 rate_limited"),
    RELAY_UPLOADS_PER_MINUTE(RATES, integer(Defaults.RATES.uploads().burst(), 0, 1_000_000),
            "uploads per user per minute; over it: 429 rate_limited before the body is sent"),
    RELAY_LOGIN_ATTEMPTS_PER_MINUTE(RATES, integer(Defaults.RATES.logins().burst(), 0, 1_000_000),
            "failed logins per email per minute; past it: 429 rate_limited before any hashing"),
    RELAY_LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE(RATES, integer(Defaults.RATES.loginsPerAddress().burst(), 0, 1_000_000),
            "failed logins per client address per minute; past it every login from there gets 429 rate_limited"),
    RELAY_REGISTER_RATE_PER_MINUTE(RATES, integer(Defaults.RATES.registrationsPerAddress().burst(), 0, 1_000_000),
            "registrations per client address per minute; past it: 429 rate_limited"),

    // Connections
    RELAY_MAX_CONNECTIONS(CONNECTIONS, integer(Defaults.TRANSPORT.maxConnections(), 0, 10_000_000)
            .shown("open-file limit less max(256, a tenth)"),
            "open connections on the node; past it: 503 too_many_connections"),
    RELAY_MAX_CONNECTIONS_PER_USER(CONNECTIONS, integer(Defaults.LIMITS.maxConnectionsPerUser(), 0, 1_000_000),
            "WebSockets one user may hold on a node; over it: too_many_connections, then close 1008"),

    // HTTP
    RELAY_MAX_JSON_BYTES(HTTP, integer(Defaults.TRANSPORT.maxJsonBytes(), TransportSettings.MIN_BODY_OR_FRAME_BYTES,
            64 * 1024 * 1024), "largest body of a JSON route; 413 before the body is read"),
    RELAY_MAX_OTHER_BODY_BYTES(HTTP, integer(Defaults.TRANSPORT.maxOtherBodyBytes(), 0, 64 * 1024 * 1024),
            "largest body of any other route but the upload; 413 before the body is read"),
    RELAY_MAX_BODY_BYTES_IN_FLIGHT(HTTP, integer((int) Math.min(Integer.MAX_VALUE,
            Defaults.TRANSPORT.maxBodyBytesInFlight()), 0, Integer.MAX_VALUE).shown("a quarter of the heap, 16–256 MiB"),
            "request bodies the node holds at once; past it: 503 server_busy"),
    RELAY_HTTP_HEAD_TIMEOUT_SECONDS(HTTP, seconds(Defaults.TRANSPORT.headTimeout(), 0),
            "a request head must arrive whole within this; past it the connection is closed"),
    RELAY_HTTP_BODY_TIMEOUT_SECONDS(HTTP, seconds(Defaults.TRANSPORT.bodyReadTimeout(), 0),
            "the longest wait for each read of a request body"),
    RELAY_HTTP_KEEPALIVE_TIMEOUT_SECONDS(HTTP, seconds(Defaults.TRANSPORT.keepAliveTimeout(), 0),
            "the longest wait for the next request on a kept-alive connection"),
    RELAY_HTTP_WRITE_TIMEOUT_SECONDS(HTTP, seconds(Defaults.TRANSPORT.writeTimeout(), 0),
            "an answer that makes no progress towards the client this long closes the connection"),
    RELAY_HTTP_ANSWER_TIMEOUT_SECONDS(HTTP, seconds(Defaults.TRANSPORT.answerTimeout(), 0),
            "the longest the server works on one request before the connection is closed"),
    RELAY_HTTP_MIN_BODY_BYTES_PER_SECOND(HTTP, integer(Defaults.TRANSPORT.minBodyBytesPerSecond(), 0, 1024 * 1024 * 1024),
            "the slowest a request body may arrive, after 5 s of grace; slower, the connection is closed"),
    RELAY_WEB_CLIENT(HTTP, bool(WebClientFiles.SERVED_BY_DEFAULT),
            "serve the browser client at / and its files under /assets/ (false: the API alone; / answers 404)"),

    // WebSocket
    RELAY_MAX_FRAME_BYTES(WEBSOCKET, integer(Defaults.TRANSPORT.maxFrameBytes(), TransportSettings.MIN_BODY_OR_FRAME_BYTES,
            16 * 1024 * 1024), "largest WebSocket message; above it: close 1009"),
    RELAY_IDLE_TIMEOUT_SECONDS(WEBSOCKET, seconds(Defaults.TRANSPORT.idleTimeout(), 2),
            "a WebSocket silent this long is closed; it is pinged after 3/8 to 1/2 of it (drawn per WebSocket), by a "
                    + "sweep that looks at every WebSocket of an event loop once a 120th of it (at most a second)"),
    RELAY_WS_MAX_REQUESTS_IN_FLIGHT(WEBSOCKET, integer(Defaults.TRANSPORT.maxRequestsInFlight(), 0, 1_000_000),
            "requests of one WebSocket worked on at once; past it the socket is not read until answers come back"),
    RELAY_WS_MAX_QUEUED_BYTES(WEBSOCKET, integer((int) Defaults.TRANSPORT.maxQueuedBytes(), 0, Integer.MAX_VALUE),
            "bytes waiting to be written to one WebSocket; past it: close 1013 Client too slow"),
    RELAY_WS_RATE_LIMIT_CLOSE_COUNT(WEBSOCKET, integer(Defaults.TRANSPORT.rateLimitCloseCount(), 0, 1_000_000),
            "a WebSocket refused rate_limited more often than this in the window is closed 1008"),
    RELAY_WS_RATE_LIMIT_CLOSE_WINDOW_SECONDS(WEBSOCKET, seconds(Defaults.TRANSPORT.rateLimitCloseWindow(), 0),
            "the window of RELAY_WS_RATE_LIMIT_CLOSE_COUNT"),
    RELAY_WS_COMPRESSION(WEBSOCKET, bool(Defaults.TRANSPORT.compression().enabled()),
            "negotiate permessage-deflate with WebSocket clients that offer it (others are served as before)"),
    RELAY_WS_COMPRESSION_MIN_BYTES(WEBSOCKET, integer(Defaults.TRANSPORT.compression().minBytes(), 0, 16 * 1024 * 1024),
            "with compression on, server frames smaller than this go out uncompressed (0: compress every frame)"),

    // Readiness and shutdown
    RELAY_READY_TIMEOUT_MS(LIFECYCLE, millis(ReadinessBounds.DEFAULT_PROBE_TIMEOUT, 0, 600_000),
            "/api/ready counts a store or bus that has not answered its ping this soon as down (0: their own timeout)"),
    RELAY_READY_CACHE_MS(LIFECYCLE, millis(ReadinessBounds.DEFAULT_KEEP_ANSWER, 0, 600_000),
            "/api/ready checks this soon after the last pings get the same answer (0: ping every time)"),
    RELAY_SHUTDOWN_GRACE_SECONDS(LIFECYCLE, seconds(ServerConfig.DEFAULT_SHUTDOWN_GRACE, 0, 600),
            "on SIGTERM, time to answer what was received and close WebSockets 1001; then the rest is closed"),
    RELAY_SHUTDOWN_SPREAD_SECONDS(LIFECYCLE, seconds(NettyTransport.DEFAULT_CLOSE_SPREAD, 0, 600),
            "on SIGTERM the 1001 closes come in batches over this long, at most half the grace (0: all at once)"),

    // Outgoing webhooks (docs/webhooks.md)
    RELAY_WEBHOOK_URL(WEBHOOKS, text(null, "an http:// or https:// URL; needs RELAY_WEBHOOK_SECRET")
            .secret(Secrecy.URL_CREDENTIALS), "where message_posted, room_created, member_added and member_removed "
                    + "are POSTed as signed JSON, each by the node where it happened (unset: no webhooks)"),
    RELAY_WEBHOOK_SECRET(WEBHOOKS, text(null, "at least " + WebhookSettings.MIN_SECRET_BYTES + " bytes")
            .secret(Secrecy.SECRET), "key of the HMAC-SHA256 signature in X-Relay-Signature, shared with the receiver"),
    RELAY_WEBHOOK_QUEUE_SIZE(WEBHOOKS, integer(WebhookSettings.DEFAULT_QUEUE_CAPACITY, 1, 10_000_000),
            "events a node holds for the receiver; past it new events are dropped and counted"),
    RELAY_WEBHOOK_MAX_RETRY_SECONDS(WEBHOOKS, seconds(WebhookSettings.DEFAULT_MAX_RETRY_TIME, 0),
            "how long an event the receiver does not take is retried, with back-off, before it is dropped and "
                    + "counted (0: one try)"),

    // Logging
    RELAY_LOG_FORMAT(LOGGING, text(LogSettings.DEFAULT_FORMAT, "plain or json"),
            "plain: one readable line per event; json: one JSON object per line; both on standard error"),
    RELAY_LOG_LEVEL(LOGGING, text(LogSettings.DEFAULT_LEVEL, "a level, then logger=level entries"),
            "trace, debug, info, warn, error or off, e.g. info,relay.access=off");

    /** The sections of {@code --help} and docs/configuration.md, in their order. */
    enum Group {
        NETWORK("Network"),
        STORAGE("Storage"),
        CLUSTER("Several nodes"),
        SECURITY("Accounts and tokens"),
        MESSAGES("Messages and rooms"),
        RATES("Rates (a rate and its burst make one limit; either at 0 turns it off)"),
        CONNECTIONS("Connections"),
        HTTP("HTTP"),
        WEBSOCKET("WebSocket"),
        LIFECYCLE("Readiness and shutdown"),
        WEBHOOKS("Outgoing webhooks"),
        LOGGING("Logging");

        private final String title;

        Group(String title) {
            this.title = title;
        }

        String title() {
            return title;
        }
    }

    /** What a setting's value is, which decides how {@link EnvReader} parses it and how its bounds read. */
    enum Kind { TEXT, LIST, BOOLEAN, INTEGER, DECIMAL }

    /** How the start-up summary shows a value: as it is, only whether it is set, or a URL without its password. */
    enum Secrecy { PLAIN, SECRET, URL_CREDENTIALS }

    /**
     * A setting's type, default and bounds. {@code fallback} is the value taken when the variable is missing or
     * blank (null: unset); {@code shown}, when not null, is how the default reads in the docs instead, for a
     * default that depends on the machine or that an adapter chooses.
     */
    record Value(Kind kind, Object fallback, Number min, Number max, String bounds, String shown, Secrecy secrecy) {
        /** The largest timeout in seconds any setting takes: a day. */
        static final int MAX_SECONDS = 86_400;

        static Value text(String fallback, String bounds) {
            return new Value(Kind.TEXT, fallback, null, null, bounds, null, Secrecy.PLAIN);
        }

        static Value list(List<String> fallback, String bounds) {
            return new Value(Kind.LIST, List.copyOf(fallback), null, null, bounds, null, Secrecy.PLAIN);
        }

        static Value bool(boolean fallback) {
            return new Value(Kind.BOOLEAN, fallback, null, null, "true or false", null, Secrecy.PLAIN);
        }

        static Value integer(int fallback, int min, int max) {
            return new Value(Kind.INTEGER, fallback, min, max, min + " to " + max, null, Secrecy.PLAIN);
        }

        static Value decimal(double fallback, double min, double max) {
            return new Value(Kind.DECIMAL, fallback, min, max, number(min) + " to " + number(max), null, Secrecy.PLAIN);
        }

        static Value seconds(Duration fallback, int min) {
            return seconds(fallback, min, MAX_SECONDS);
        }

        static Value seconds(Duration fallback, int min, int max) {
            return integer((int) fallback.toSeconds(), min, max);
        }

        static Value millis(Duration fallback, int min, int max) {
            return integer((int) fallback.toMillis(), min, max);
        }

        Value shown(String text) {
            return new Value(kind, fallback, min, max, bounds, text, secrecy);
        }

        Value secret(Secrecy how) {
            return new Value(kind, fallback, min, max, bounds, shown, how);
        }
    }

    private static Value perSecond(double fallback) {
        return decimal(fallback, 0, 1_000_000);
    }

    private static Value burst(int fallback) {
        return integer(fallback, 0, 10_000_000);
    }

    /** The defaults the rows take, held apart so that the enum's constants can use them while they are built. */
    private static final class Defaults {
        static final TransportSettings TRANSPORT = TransportSettings.defaults();
        static final Limits LIMITS = Limits.defaults();
        static final Limits.Rates RATES = LIMITS.rates();
        static final String DB_NAME = "relaychat";
        static final String DATA_DIR = "data";
        static final int HISTORY_TTL_DAYS = 0;
    }

    private final Group group;
    private final Value value;
    private final String meaning;

    Setting(Group group, Value value, String meaning) {
        this.group = group;
        this.value = value;
        this.meaning = meaning;
    }

    /** The environment variable: the constant's own name. */
    String variable() {
        return name();
    }

    Group group() {
        return group;
    }

    Kind kind() {
        return value.kind();
    }

    Object fallback() {
        return value.fallback();
    }

    Number min() {
        return value.min();
    }

    Number max() {
        return value.max();
    }

    String bounds() {
        return value.bounds();
    }

    String meaning() {
        return meaning;
    }

    Secrecy secrecy() {
        return value.secrecy();
    }

    /** The default as the docs say it: the machine-independent wording when there is one, else the value. */
    String shownDefault() {
        return value.shown() != null ? value.shown() : rendered(value.fallback());
    }

    /** Whether {@link #shownDefault()} is the value itself rather than words about it. */
    boolean defaultIsValue() {
        return value.shown() == null && value.fallback() != null
                && !(value.fallback() instanceof List<?> items && items.isEmpty());
    }

    /** A value as the docs and the summary write it: lists comma-separated, whole decimals without ".0". */
    static String rendered(Object value) {
        if (value == null) {
            return "unset";
        }
        if (value instanceof List<?> items) {
            return items.isEmpty() ? "(none)" : String.join(",", items.stream().map(String::valueOf).toList());
        }
        if (value instanceof Double number) {
            return number(number);
        }
        return String.valueOf(value);
    }

    private static String number(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value).toLowerCase(Locale.ROOT);
    }
}
