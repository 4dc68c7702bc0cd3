package io.relaychat.server;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerConfigTest {

    @Test
    void anEmptyEnvironmentGivesTheDocumentedDefaults() {
        ServerConfig config = ServerConfig.fromEnvironment(Map.of());

        assertEquals(8001, config.port());
        assertEquals("0.0.0.0", config.host());
        assertNull(config.mongoUrl());
        assertNull(config.redisUrl());
        assertNull(config.jwtSecret());
        assertEquals(List.of("*"), config.corsOrigins());
        assertEquals(Path.of("data/uploads"), config.uploadDir());
        assertEquals(10 * 1024 * 1024, config.maxUploadBytes());
        assertEquals(4000, config.maxContentChars());
        assertEquals(64 * 1024, config.maxFrameBytes());
        assertEquals(10, config.bcryptCost());
        assertEquals(Duration.ofDays(7), config.tokenLifetime());
    }

    @Test
    void valuesAreReadFromTheSeedAppsVariableNames() {
        ServerConfig config = ServerConfig.fromEnvironment(Map.of(
                "PORT", "9000",
                "CORS_ORIGINS", "http://a.example, http://b.example",
                "JWT_SECRET_KEY", "k".repeat(32),
                "RELAY_MAX_CONTENT_CHARS", "100"));

        assertEquals(9000, config.port());
        assertEquals(List.of("http://a.example", "http://b.example"), config.corsOrigins());
        assertEquals("k".repeat(32), config.jwtSecret());
        assertEquals(100, config.maxContentChars());
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
}
