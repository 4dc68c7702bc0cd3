package io.relaychat.server;

import io.relaychat.adapter.auth.IdentityProviderSettings;
import io.relaychat.adapter.auth.JwksSettings;
import io.relaychat.adapter.mongo.MongoSettings;
import io.relaychat.adapter.netty.IoTransport;
import io.relaychat.adapter.netty.TransportSettings;
import io.relaychat.adapter.sqlite.SqliteSettings;
import io.relaychat.adapter.webhook.WebhookSettings;
import io.relaychat.domain.Limits;
import io.relaychat.domain.Rate;
import io.relaychat.testkit.TestIdentityProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerConfigTest {
    private static final String WEBHOOK_SECRET = "a-webhook-secret-of-at-least-32-bytes";

    @Test
    void anEmptyEnvironmentGivesTheDocumentedDefaults() {
        ServerConfig config = ServerConfig.fromEnvironment(Map.of());

        assertEquals(8001, config.transport().port());
        assertEquals("0.0.0.0", config.transport().host());
        assertNull(config.mongoUrl());
        assertNull(config.redisUrl());
        assertNull(config.jwtSecret());
        assertEquals(List.of("*"), config.transport().corsOrigins());
        assertEquals(Path.of("data/uploads"), config.uploadDir());
        assertEquals(10 * 1024 * 1024, config.limits().maxUploadBytes());
        assertEquals(4000, config.limits().maxContentChars());
        assertEquals(64 * 1024, config.transport().maxFrameBytes());
        assertEquals(10, config.bcryptCost());
        assertEquals(Duration.ofDays(7), config.tokenLifetime());
    }

    // ---- the identity provider (RELAY_LOCAL_ACCOUNTS, RELAY_OIDC_*) ----

    private static final Map<String, String> PROVIDER = Map.of("RELAY_OIDC_ISSUER", TestIdentityProvider.ISSUER,
            "RELAY_OIDC_AUDIENCE", TestIdentityProvider.AUDIENCE);

    private static Map<String, String> provider(String... more) {
        Map<String, String> env = new HashMap<>(PROVIDER);
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    private static String refusal(Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> ServerConfig.fromEnvironment(env)).getMessage();
    }

    @Test
    void byDefaultLocalAccountsAloneAndAProviderIsReadWithItsKeyFileAndClaimNames(@TempDir Path folder) throws Exception {
        TestIdentityProvider.SigningKey key = TestIdentityProvider.ecKey("e");
        Path pem = Files.writeString(folder.resolve("idp.pem"), TestIdentityProvider.pem(key.publicKey()));

        IdentityConfig defaults = ServerConfig.fromEnvironment(Map.of()).identity();
        IdentityConfig keyed = ServerConfig.fromEnvironment(provider("RELAY_OIDC_PUBLIC_KEY", pem.toString(),
                "RELAY_LOCAL_ACCOUNTS", "false", "RELAY_OIDC_USERNAME_CLAIM", "name")).identity();

        assertTrue(defaults.localAccounts());
        assertTrue(defaults.provider().isEmpty());
        assertEquals(false, keyed.localAccounts());
        assertEquals(new IdentityProviderSettings(TestIdentityProvider.ISSUER, TestIdentityProvider.AUDIENCE, "sub", "name",
                "email"), keyed.provider().orElseThrow());
        assertEquals(key.publicKey(), keyed.publicKey().orElseThrow());
    }

    /** docs/integration.md's exports for an identity provider are a whole configuration the server starts with. */
    @Test
    void theIntegrationDocsIdentityProviderExportsAreAcceptedAsTheyStand() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "integration.md"), StandardCharsets.UTF_8);
        int section = doc.indexOf("## Signing users in with your identity provider");
        int block = doc.indexOf("```sh\n", section);
        Map<String, String> env = new HashMap<>();
        for (String line : doc.substring(block + 6, doc.indexOf("```", block + 6)).strip().split("\n")) {
            String[] assignment = line.replaceFirst("^export ", "").split("=", 2);
            env.put(assignment[0], assignment[1].replaceAll("^\"|\"$", ""));
        }

        IdentityConfig identity = ServerConfig.fromEnvironment(env).identity();

        assertTrue(section > 0 && env.size() >= 4, "the section and its exports: " + env);
        assertEquals(false, identity.localAccounts());
        assertEquals(env.get("RELAY_OIDC_ISSUER"), identity.provider().orElseThrow().issuer());
        assertEquals(env.get("RELAY_OIDC_AUDIENCE"), identity.provider().orElseThrow().audience());
        assertEquals(env.get("RELAY_OIDC_JWKS_URL"), identity.jwks().orElseThrow().url().toString());
    }

    @Test
    void aJwksIsTakenOverHttpsOrFromThisMachineWithItsFetchBounds() {
        JwksSettings jwks = ServerConfig.fromEnvironment(provider("RELAY_OIDC_JWKS_URL",
                "https://login.example.com/certs", "RELAY_OIDC_JWKS_MIN_INTERVAL_SECONDS", "30")).identity().jwks().orElseThrow();

        assertEquals("https://login.example.com/certs", jwks.url().toString());
        assertEquals(JwksSettings.DEFAULT_KEEP_KEYS, jwks.keepKeys());
        assertEquals(Duration.ofSeconds(30), jwks.minInterval());
        assertEquals(JwksSettings.DEFAULT_TIMEOUT, jwks.timeout());
        assertTrue(ServerConfig.fromEnvironment(provider("RELAY_OIDC_JWKS_URL", "http://127.0.0.1:8080/certs"))
                .identity().external());
        assertTrue(refusal(provider("RELAY_OIDC_JWKS_URL", "http://login.example.com/certs")).contains("https://"));
        assertTrue(refusal(provider("RELAY_OIDC_JWKS_URL", "https://login.example.com/certs",
                "RELAY_OIDC_JWKS_KEEP_SECONDS", "5")).contains("RELAY_OIDC_JWKS_KEEP_SECONDS"));
    }

    @Test
    void aProviderSetInPartOrTwiceAndLocalAccountsOffWithoutOneAreRefusedAtStart(@TempDir Path folder) {
        String noAudience = refusal(Map.of("RELAY_OIDC_ISSUER", TestIdentityProvider.ISSUER,
                "RELAY_OIDC_JWKS_URL", "https://login.example.com/certs"));
        String keyAlone = refusal(Map.of("RELAY_OIDC_JWKS_URL", "https://login.example.com/certs"));
        String noKey = refusal(provider());
        String both = refusal(provider("RELAY_OIDC_JWKS_URL", "https://login.example.com/certs",
                "RELAY_OIDC_PUBLIC_KEY", "/etc/relay/idp.pem"));
        String nobody = refusal(Map.of("RELAY_LOCAL_ACCOUNTS", "false"));
        String unreadable = refusal(provider("RELAY_OIDC_PUBLIC_KEY", folder.resolve("missing.pem").toString()));

        assertTrue(noAudience.contains("RELAY_OIDC_AUDIENCE") && !noAudience.contains("RELAY_OIDC_ISSUER ("), noAudience);
        assertTrue(keyAlone.contains("RELAY_OIDC_ISSUER") && keyAlone.contains("RELAY_OIDC_AUDIENCE"), keyAlone);
        assertTrue(noKey.contains("RELAY_OIDC_PUBLIC_KEY or RELAY_OIDC_JWKS_URL"), noKey);
        assertTrue(both.contains("both set"), both);
        assertTrue(nobody.contains("nobody could sign in"), nobody);
        assertTrue(unreadable.startsWith("RELAY_OIDC_PUBLIC_KEY: cannot read"), unreadable);
    }

    @Test
    void historyIsBoundedPerRoomInMemoryAndKeptForeverOnMongoByDefaultAndBothAreRead() {
        ServerConfig defaults = ServerConfig.fromEnvironment(Map.of());
        ServerConfig set = ServerConfig.fromEnvironment(Map.of(
                "RELAY_MEMORY_HISTORY_PER_ROOM", "0", "RELAY_HISTORY_TTL_DAYS", "30"));

        assertEquals(10_000, defaults.memoryHistoryPerRoom());
        assertEquals(0, defaults.historyTtlDays(), "0: MongoDB keeps every message");
        assertEquals(0, set.memoryHistoryPerRoom(), "0: the in-memory store keeps every message");
        assertEquals(30, set.historyTtlDays());
        ConfigException negative = assertThrows(ConfigException.class,
                () -> ServerConfig.fromEnvironment(Map.of("RELAY_HISTORY_TTL_DAYS", "-1")));
        assertTrue(negative.getMessage().contains("RELAY_HISTORY_TTL_DAYS"), negative.getMessage());
    }

    @Test
    void theStoreIsSqliteInItsFolderOrMongoDbByDefaultAndMemoryOnlyWhenAsked() {
        ServerConfig defaults = ServerConfig.fromEnvironment(Map.of());
        assertEquals(ServerConfig.StorageKind.SQLITE, defaults.storage());
        assertEquals(java.nio.file.Path.of("data"), defaults.dataDir());
        assertEquals(java.nio.file.Path.of("data", "uploads"), defaults.uploadDir(), "uploads beside the database");
        assertEquals(ServerConfig.StorageKind.MONGODB,
                ServerConfig.fromEnvironment(Map.of("MONGO_URL", "mongodb://localhost:27017")).storage());
        assertEquals(ServerConfig.StorageKind.MEMORY,
                ServerConfig.fromEnvironment(Map.of("RELAY_STORAGE", "memory")).storage());
        ServerConfig moved = ServerConfig.fromEnvironment(Map.of("RELAY_DATA_DIR", "/srv/relay"));
        assertEquals(java.nio.file.Path.of("/srv/relay"), moved.dataDir());
        assertEquals(java.nio.file.Path.of("/srv/relay/uploads"), moved.uploadDir(), "the uploads move with the data");
        assertEquals(java.nio.file.Path.of("/srv/files"), ServerConfig.fromEnvironment(
                Map.of("RELAY_DATA_DIR", "/srv/relay", "RELAY_UPLOAD_DIR", "/srv/files")).uploadDir());
    }

    @Test
    void theSqliteBatchWaitIsTheStoresOwnUnlessSetToAFractionOfAMillisecondOrMore() {
        assertEquals(SqliteSettings.DEFAULT_MAX_BATCH_WAIT, ServerConfig.fromEnvironment(Map.of()).sqliteBatchWait());
        assertEquals(Duration.ofNanos(500_000),
                ServerConfig.fromEnvironment(Map.of("RELAY_SQLITE_BATCH_WAIT_MS", "0.5")).sqliteBatchWait());
        assertEquals(Duration.ZERO, ServerConfig.fromEnvironment(Map.of("RELAY_SQLITE_BATCH_WAIT_MS", "0")).sqliteBatchWait());
        ConfigException tooLong = assertThrows(ConfigException.class,
                () -> ServerConfig.fromEnvironment(Map.of("RELAY_SQLITE_BATCH_WAIT_MS", "250")));
        assertTrue(tooLong.getMessage().contains("RELAY_SQLITE_BATCH_WAIT_MS"), tooLong.getMessage());
    }

    @Test
    void theMongoBatchWaitIsTheStoresOwnUnlessSetAndReachesTheStoresSettings() {
        assertEquals(MongoSettings.DEFAULT_BATCH_WAIT, ServerConfig.fromEnvironment(Map.of()).mongoBatchWait());
        ServerConfig off = ServerConfig.fromEnvironment(Map.of("RELAY_MONGO_BATCH_WAIT_MS", "0",
                "MONGO_URL", "mongodb://localhost:27017"));
        assertEquals(Duration.ZERO, Storage.mongoSettings(off).batchWait());
        assertEquals(Duration.ofNanos(1_500_000), Storage.mongoSettings(ServerConfig.fromEnvironment(Map.of(
                "RELAY_MONGO_BATCH_WAIT_MS", "1.5", "MONGO_URL", "mongodb://localhost:27017"))).batchWait());
        ConfigException tooLong = assertThrows(ConfigException.class,
                () -> ServerConfig.fromEnvironment(Map.of("RELAY_MONGO_BATCH_WAIT_MS", "250")));
        assertTrue(tooLong.getMessage().contains("RELAY_MONGO_BATCH_WAIT_MS"), tooLong.getMessage());
    }

    @Test
    void theIoTransportIsEpollWhereItLoadsUnlessNioIsAskedFor() {
        assertEquals(IoTransport.AUTO, ServerConfig.fromEnvironment(Map.of()).ioTransport());
        assertEquals(IoTransport.NIO, ServerConfig.fromEnvironment(Map.of("RELAY_IO_TRANSPORT", "NIO")).ioTransport());
        if (System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            assertEquals(IoTransport.EPOLL, IoTransport.AUTO.resolved(), "netty-all carries the native library");
        }
        assertEquals("RELAY_IO_TRANSPORT must be auto, epoll or nio, got 'kqueue'", assertThrows(ConfigException.class,
                () -> ServerConfig.fromEnvironment(Map.of("RELAY_IO_TRANSPORT", "kqueue"))).getMessage());
    }

    @Test
    void aStoreThatCannotBeHadStopsStartUpSayingWhy() {
        assertEquals("RELAY_STORAGE must be memory, sqlite or mongodb, got 'postgres'", assertThrows(ConfigException.class,
                () -> ServerConfig.fromEnvironment(Map.of("RELAY_STORAGE", "postgres"))).getMessage());
        assertEquals("RELAY_STORAGE=mongodb needs MONGO_URL", assertThrows(ConfigException.class,
                () -> ServerConfig.fromEnvironment(Map.of("RELAY_STORAGE", "mongodb"))).getMessage());
        assertEquals("RELAY_STORAGE=sqlite and MONGO_URL are both set: choose one store", assertThrows(ConfigException.class,
                () -> ServerConfig.fromEnvironment(Map.of("RELAY_STORAGE", "sqlite", "MONGO_URL", "mongodb://h"))).getMessage());
    }

    @Test
    void theShutdownGraceAndTheSpreadOfTheWebSocketClosesDefaultToTenAndThreeSecondsAndAreRead() {
        ServerConfig defaults = ServerConfig.fromEnvironment(Map.of());
        ServerConfig set = ServerConfig.fromEnvironment(Map.of(
                "RELAY_SHUTDOWN_GRACE_SECONDS", "30", "RELAY_SHUTDOWN_SPREAD_SECONDS", "0"));

        assertEquals(Duration.ofSeconds(10), defaults.shutdownGrace());
        assertEquals(Duration.ofSeconds(3), defaults.shutdownSpread());
        assertEquals(Duration.ofSeconds(30), set.shutdownGrace());
        assertEquals(Duration.ZERO, set.shutdownSpread(), "0: every WebSocket closed at once");
    }

    @Test
    void valuesAreReadFromTheSeedAppsVariableNames() {
        ServerConfig config = ServerConfig.fromEnvironment(Map.of(
                "PORT", "9000",
                "CORS_ORIGINS", "http://a.example, http://b.example",
                "JWT_SECRET_KEY", "k".repeat(32),
                "RELAY_MAX_CONTENT_CHARS", "100"));

        assertEquals(9000, config.transport().port());
        assertEquals(List.of("http://a.example", "http://b.example"), config.transport().corsOrigins());
        assertEquals("k".repeat(32), config.jwtSecret());
        assertEquals(100, config.limits().maxContentChars());
    }

    @Test
    void theCoresLimitsDefaultToItsOwnAndAreReadFromTheirVariables() {
        assertEquals(Limits.defaults(), ServerConfig.fromEnvironment(Map.of()).limits());

        Limits limits = ServerConfig.fromEnvironment(Map.of(
                "RELAY_SEND_RATE_PER_SECOND", "0.5",
                "RELAY_SEND_BURST", "7",
                "RELAY_TYPING_RATE_PER_SECOND", "0",
                "RELAY_ROOMS_CREATED_PER_HOUR", "12",
                "RELAY_UPLOADS_PER_MINUTE", "0",
                "RELAY_LOGIN_ATTEMPTS_PER_MINUTE", "4",
                "RELAY_MAX_CONNECTIONS_PER_USER", "3",
                "RELAY_MAX_ROOMS_PER_CONNECTION", "0",
                "RELAY_MAX_MEMBERS_PER_ROOM_CREATION", "9",
                "RELAY_GAP_TIMEOUT_MS", "50")).limits();

        assertEquals(new Rate(0.5, 7), limits.rates().sends());
        assertEquals(Rate.OFF, limits.rates().typing(), "0 turns a rate off");
        assertEquals(Limits.defaults().rates().joins(), limits.rates().joins());
        assertEquals(Rate.of(12, Duration.ofHours(1)), limits.rates().roomCreations());
        assertEquals(Rate.OFF, limits.rates().uploads());
        assertEquals(Rate.of(4, Duration.ofMinutes(1)), limits.rates().logins());
        assertEquals(3, limits.maxConnectionsPerUser());
        assertEquals(0, limits.maxRoomsPerConnection());
        assertEquals(9, limits.maxMembersPerRoomCreation());
        assertEquals(Duration.ofMillis(50), limits.gapTimeout());
    }

    @Test
    void theTransportsSettingsDefaultToItsOwnAndAreReadFromTheirVariables() {
        assertEquals(TransportSettings.defaults(), ServerConfig.fromEnvironment(Map.of()).transport());

        TransportSettings transport = ServerConfig.fromEnvironment(Map.of(
                "RELAY_HTTP_HEAD_TIMEOUT_SECONDS", "3",
                "RELAY_HTTP_KEEPALIVE_TIMEOUT_SECONDS", "0",
                "RELAY_MAX_JSON_BYTES", "4096",
                "RELAY_MAX_BODY_BYTES_IN_FLIGHT", "1000000",
                "RELAY_MAX_CONNECTIONS", "7",
                "RELAY_WS_MAX_REQUESTS_IN_FLIGHT", "4",
                "RELAY_WS_MAX_QUEUED_BYTES", "65536",
                "RELAY_WS_RATE_LIMIT_CLOSE_COUNT", "9",
                "RELAY_HTTP_MIN_BODY_BYTES_PER_SECOND", "0",
                "RELAY_HTTP_ANSWER_TIMEOUT_SECONDS", "45")).transport();

        assertEquals(Duration.ofSeconds(3), transport.headTimeout());
        assertEquals(Duration.ZERO, transport.keepAliveTimeout(), "0 turns a timeout off");
        assertEquals(TransportSettings.defaults().bodyReadTimeout(), transport.bodyReadTimeout());
        assertEquals(4096, transport.maxJsonBytes());
        assertEquals(1_000_000, transport.maxBodyBytesInFlight());
        assertEquals(7, transport.maxConnections());
        assertEquals(4, transport.maxRequestsInFlight());
        assertEquals(65536, transport.maxQueuedBytes());
        assertEquals(9, transport.rateLimitCloseCount());
        assertEquals(0, transport.minBodyBytesPerSecond());
        assertEquals(Duration.ofSeconds(45), transport.answerTimeout());
    }

    @Test
    void perAddressLimitsTrustedProxiesAndTheHashingWaitAreReadFromTheirVariables() {
        ServerConfig defaults = ServerConfig.fromEnvironment(Map.of());
        assertEquals(Rate.of(30, Duration.ofMinutes(1)), defaults.limits().rates().loginsPerAddress());
        assertEquals(Rate.of(60, Duration.ofMinutes(1)), defaults.limits().rates().registrationsPerAddress());
        assertEquals(List.of(), defaults.transport().trustedProxies());
        assertEquals(Duration.ofSeconds(1), defaults.bcryptMaxWait());

        ServerConfig config = ServerConfig.fromEnvironment(Map.of(
                "RELAY_LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE", "5",
                "RELAY_REGISTER_RATE_PER_MINUTE", "0",
                "RELAY_TRUSTED_PROXIES", " 10.0.0.0/8, ::1 ,",
                "RELAY_BCRYPT_MAX_WAIT_MS", "0"));
        assertEquals(Rate.of(5, Duration.ofMinutes(1)), config.limits().rates().loginsPerAddress());
        assertTrue(config.limits().rates().registrationsPerAddress().isOff());
        assertEquals(List.of("10.0.0.0/8", "::1"), config.transport().trustedProxies());
        assertEquals(Duration.ZERO, config.bcryptMaxWait());
    }

    @Test
    void aTrustedProxyThatIsNoAddressStopsStartUpNamingTheVariable() {
        ConfigException error = assertThrows(ConfigException.class,
                () -> ServerConfig.fromEnvironment(Map.of("RELAY_TRUSTED_PROXIES", "10.0.0.0/8,proxy.internal")));

        assertTrue(error.getMessage().startsWith("RELAY_TRUSTED_PROXIES must be"), error.getMessage());
        assertTrue(error.getMessage().contains("'proxy.internal'"), error.getMessage());
    }

    @Test
    void aRateThatIsNotANumberStopsStartUpNamingTheVariable() {
        ConfigException rate = assertThrows(ConfigException.class,
                () -> ServerConfig.fromEnvironment(Map.of("RELAY_SEND_RATE_PER_SECOND", "fast")));

        assertTrue(rate.getMessage().startsWith("RELAY_SEND_RATE_PER_SECOND must be a number from 0"), rate.getMessage());
    }

    @Test
    void aBadValueIsAClearErrorNamingTheVariable() {
        ConfigException port = assertThrows(ConfigException.class,
                () -> ServerConfig.fromEnvironment(Map.of("PORT", "eighty")));
        ConfigException cost = assertThrows(ConfigException.class,
                () -> ServerConfig.fromEnvironment(Map.of("RELAY_BCRYPT_COST", "40")));

        assertEquals("PORT must be an integer from 0 to 65535, got 'eighty'", port.getMessage());
        assertTrue(cost.getMessage().startsWith("RELAY_BCRYPT_COST must be an integer from 4 to 16"));
    }

    @Test
    void aSecretShorterThan32BytesIsRefused() {
        ConfigException error = assertThrows(ConfigException.class,
                () -> ServerConfig.fromEnvironment(Map.of("JWT_SECRET_KEY", "your-secret-key")));

        assertTrue(error.getMessage().contains("at least 32 bytes"), error.getMessage());
    }

    @Test
    void severalNodesNeedOneSharedSecretAndOneSharedStore() {
        ConfigException noSecret = assertThrows(ConfigException.class, () -> ServerConfig.fromEnvironment(Map.of(
                "REDIS_URL", "redis://localhost:6379", "MONGO_URL", "mongodb://localhost:27017")));
        ConfigException noStore = assertThrows(ConfigException.class, () -> ServerConfig.fromEnvironment(Map.of(
                "REDIS_URL", "redis://localhost:6379", "JWT_SECRET_KEY", "k".repeat(32))));

        assertTrue(noSecret.getMessage().startsWith("REDIS_URL is set, so JWT_SECRET_KEY must be too"), noSecret.getMessage());
        assertTrue(noStore.getMessage().startsWith("REDIS_URL is set, so MONGO_URL must be too"), noStore.getMessage());
    }

    @Test
    void aRedisClusterIsNamedByItsSeedNodes() {
        ConfigException noSeeds = assertThrows(ConfigException.class,
                () -> ServerConfig.fromEnvironment(Map.of("REDIS_CLUSTER", "true")));
        ServerConfig cluster = ServerConfig.fromEnvironment(Map.of("REDIS_CLUSTER", "true",
                "REDIS_URL", "redis://h1:7000,redis://h2:7001", "MONGO_URL", "mongodb://localhost:27017",
                "JWT_SECRET_KEY", "k".repeat(32)));

        assertTrue(noSeeds.getMessage().startsWith("REDIS_CLUSTER=true needs REDIS_URL"), noSeeds.getMessage());
        assertTrue(cluster.redisCluster());
        assertEquals("redis://h1:7000,redis://h2:7001", cluster.redisUrl());
    }

    @Test
    void mongoSettingsThatCannotWorkAreRefusedAtStartUp() {
        ConfigException badUri = assertThrows(ConfigException.class, () -> new RelayServer(
                ServerConfig.fromEnvironment(Map.of("MONGO_URL", "http://not-mongo"))));
        ConfigException unacknowledged = assertThrows(ConfigException.class, () -> new RelayServer(
                ServerConfig.fromEnvironment(Map.of("MONGO_URL", "mongodb://127.0.0.1:1/?w=0"))));
        ConfigException readPreference = assertThrows(ConfigException.class, () -> new RelayServer(
                ServerConfig.fromEnvironment(Map.of("MONGO_URL", "mongodb://127.0.0.1:1",
                        "RELAY_MONGO_READ_PREFERENCE", "anywhere"))));

        assertTrue(badUri.getMessage().startsWith("MONGO_URL is not a usable MongoDB URI"), badUri.getMessage());
        assertTrue(unacknowledged.getMessage().contains("w=0"), unacknowledged.getMessage());
        assertTrue(readPreference.getMessage().startsWith("RELAY_MONGO_READ_PREFERENCE must be"), readPreference.getMessage());
    }

    @Test
    void aTlsCertificateWithoutItsKey_orTheReverse_isAConfigurationError() {
        ConfigException noKey = assertThrows(ConfigException.class,
                () -> ServerConfig.fromEnvironment(Map.of("RELAY_TLS_CERT", "/etc/relay/cert.pem")));
        assertTrue(noKey.getMessage().startsWith("RELAY_TLS_CERT is set, so RELAY_TLS_KEY must be too"), noKey.getMessage());
        ConfigException noCert = assertThrows(ConfigException.class,
                () -> ServerConfig.fromEnvironment(Map.of("RELAY_TLS_KEY", "/etc/relay/key.pem")));
        assertTrue(noCert.getMessage().startsWith("RELAY_TLS_KEY is set, so RELAY_TLS_CERT must be too"), noCert.getMessage());
    }

    @Test
    void compressionIsOffByDefault_andTurnedOnWithItsThreshold() {
        assertEquals(false, ServerConfig.fromEnvironment(Map.of()).transport().compression().enabled());
        ServerConfig on = ServerConfig.fromEnvironment(Map.of("RELAY_WS_COMPRESSION", "true",
                "RELAY_WS_COMPRESSION_MIN_BYTES", "0"));
        assertEquals(true, on.transport().compression().enabled());
        assertEquals(0, on.transport().compression().minBytes());
    }

    @Test
    void everyVariableTheServerReadsIsARowOfTheSettingsTableAndEveryRowIsRead() {
        Set<String> asked = new TreeSet<>();
        Map<String, String> recording = new HashMap<>() {
            @Override
            public String get(Object key) {
                asked.add(String.valueOf(key));
                return super.get(key);
            }
        };
        ServerConfig.fromEnvironment(recording);
        LogSettings.fromEnvironment(recording);

        Set<String> rows = new TreeSet<>();
        for (Setting setting : Setting.values()) {
            rows.add(setting.variable());
        }
        assertEquals(rows, asked, "the variables read, with every rate and its burst, are exactly the table's rows");
    }

    @Test
    void theTablesDefaultsAreTheValuesAnEmptyEnvironmentGives() {
        ServerConfig config = ServerConfig.fromEnvironment(Map.of());

        assertEquals(config.transport().port(), Setting.PORT.fallback());
        assertEquals(config.bcryptThreads(), Setting.RELAY_BCRYPT_THREADS.fallback());
        assertEquals(config.limits().rates().sends().perSecond(), Setting.RELAY_SEND_RATE_PER_SECOND.fallback());
        assertEquals((int) config.shutdownSpread().toSeconds(), Setting.RELAY_SHUTDOWN_SPREAD_SECONDS.fallback());
        assertEquals("8001", Setting.PORT.shownDefault());
        assertEquals("0 to 65535", Setting.PORT.bounds());
        assertEquals("20", Setting.RELAY_SEND_RATE_PER_SECOND.shownDefault(), "a whole rate reads without .0");
    }

    @Test
    void webhooksAreOffWithoutAUrlAndTakeTheirQueueAndRetryTimeWhenOn() {
        assertNull(ServerConfig.fromEnvironment(Map.of()).webhooks());
        assertNull(ServerConfig.fromEnvironment(Map.of("RELAY_WEBHOOK_SECRET", WEBHOOK_SECRET)).webhooks());

        WebhookSettings defaults = ServerConfig.fromEnvironment(Map.of(
                "RELAY_WEBHOOK_URL", "https://hooks.example.com/relay", "RELAY_WEBHOOK_SECRET", WEBHOOK_SECRET)).webhooks();
        WebhookSettings set = ServerConfig.fromEnvironment(Map.of(
                "RELAY_WEBHOOK_URL", "http://127.0.0.1:9000/in", "RELAY_WEBHOOK_SECRET", WEBHOOK_SECRET,
                "RELAY_WEBHOOK_QUEUE_SIZE", "50", "RELAY_WEBHOOK_MAX_RETRY_SECONDS", "0")).webhooks();

        assertEquals("https://hooks.example.com/relay", defaults.url().toString());
        assertEquals(WebhookSettings.DEFAULT_QUEUE_CAPACITY, defaults.queueCapacity());
        assertEquals(WebhookSettings.DEFAULT_MAX_RETRY_TIME, defaults.maxRetryTime());
        assertEquals(50, set.queueCapacity());
        assertEquals(Duration.ZERO, set.maxRetryTime(), "0: one try");
    }

    @Test
    void aWebhookUrlWithoutASecretOrWithAShortOneOrNotHttpStopsStartUpNamingTheVariable() {
        ConfigException noSecret = assertThrows(ConfigException.class, () -> ServerConfig.fromEnvironment(Map.of(
                "RELAY_WEBHOOK_URL", "https://hooks.example.com/relay")));
        ConfigException shortSecret = assertThrows(ConfigException.class, () -> ServerConfig.fromEnvironment(Map.of(
                "RELAY_WEBHOOK_URL", "https://hooks.example.com/relay", "RELAY_WEBHOOK_SECRET", "short")));
        ConfigException notHttp = assertThrows(ConfigException.class, () -> ServerConfig.fromEnvironment(Map.of(
                "RELAY_WEBHOOK_URL", "ftp://hooks.example.com/relay", "RELAY_WEBHOOK_SECRET", WEBHOOK_SECRET)));
        ConfigException queue = assertThrows(ConfigException.class, () -> ServerConfig.fromEnvironment(Map.of(
                "RELAY_WEBHOOK_QUEUE_SIZE", "0")));

        assertTrue(noSecret.getMessage().startsWith("RELAY_WEBHOOK_URL is set, so RELAY_WEBHOOK_SECRET must be too"),
                noSecret.getMessage());
        assertTrue(shortSecret.getMessage().startsWith("RELAY_WEBHOOK_SECRET must be at least 32 bytes"),
                shortSecret.getMessage());
        assertEquals("RELAY_WEBHOOK_URL must be an http:// or https:// URL with a host, got "
                + "'ftp://hooks.example.com/relay'", notHttp.getMessage());
        assertTrue(queue.getMessage().contains("RELAY_WEBHOOK_QUEUE_SIZE"), queue.getMessage());
    }

    @Test
    void theWebhookSecretIsMaskedInTheStartUpLineAndTheUrlLosesItsPassword() {
        String line = StartupSummary.configuration(Map.of(
                "RELAY_WEBHOOK_URL", "https://user:pa55@hooks.example.com/relay", "RELAY_WEBHOOK_SECRET", WEBHOOK_SECRET));

        assertTrue(line.contains("RELAY_WEBHOOK_SECRET=" + StartupSummary.MASK), line);
        assertTrue(line.contains("RELAY_WEBHOOK_URL=https://user:" + StartupSummary.MASK + "@hooks.example.com/relay"),
                line);
        assertTrue(!line.contains(WEBHOOK_SECRET) && !line.contains("pa55"), line);
    }

    @Test
    void aBooleanThatIsNotOneStopsStartUpNamingTheVariable() {
        ConfigException error = assertThrows(ConfigException.class,
                () -> ServerConfig.fromEnvironment(Map.of("REDIS_SHARDED_PUBSUB", "maybe")));

        assertEquals("REDIS_SHARDED_PUBSUB must be true or false, got 'maybe'", error.getMessage());
    }

    @Test
    void theServerApiIsOffWithoutAKeyAndTakesSeveralCommaSeparatedKeysForRotation() {
        String one = "a".repeat(32);
        String two = "b".repeat(40);

        assertEquals(List.of(), ServerConfig.fromEnvironment(Map.of()).serverApiKeys());
        assertEquals(List.of(one), ServerConfig.fromEnvironment(Map.of("RELAY_API_KEY", one)).serverApiKeys());
        assertEquals(List.of(one, two), ServerConfig.fromEnvironment(Map.of("RELAY_API_KEY", " " + one + " ,, " + two + ","))
                .serverApiKeys());
    }

    @Test
    void anApiKeyShorterThan32BytesOrAnEmptyListStopsStartUpNamingTheVariable() {
        ConfigException shortKey = assertThrows(ConfigException.class, () -> ServerConfig.fromEnvironment(Map.of(
                "RELAY_API_KEY", "a".repeat(32) + ",too-short")));
        ConfigException noKey = assertThrows(ConfigException.class, () -> ServerConfig.fromEnvironment(Map.of(
                "RELAY_API_KEY", " , ")));

        assertTrue(shortKey.getMessage().startsWith("RELAY_API_KEY: each key must be at least 32 bytes long (key 2"),
                shortKey.getMessage());
        assertFalse(shortKey.getMessage().contains("too-short"), "a key is never quoted");
        assertTrue(noKey.getMessage().startsWith("RELAY_API_KEY is set but holds no key"), noKey.getMessage());
    }

    @Test
    void theApiKeysAreMaskedInTheStartUpLine() {
        String keys = "a".repeat(32) + "," + "b".repeat(32);

        String line = StartupSummary.configuration(Map.of("RELAY_API_KEY", keys));

        assertTrue(line.contains("RELAY_API_KEY=" + StartupSummary.MASK), line);
        assertFalse(line.contains("a".repeat(32)) || line.contains("b".repeat(32)), line);
    }
}
