package io.relaychat.server;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StartupSummaryTest {

    @Test
    void theConfigurationLineMasksTheJwtSecretAndTheCredentialsOfTheStoreUrls() {
        String secret = "s".repeat(40);
        String line = StartupSummary.configuration(Map.of(
                "JWT_SECRET_KEY", secret,
                "MONGO_URL", "mongodb://relay:hunter2-hunter2@db1:27017,db2:27017/chat?authSource=admin",
                "REDIS_URL", "redis://only-a-password@cache:6379",
                "PORT", "9001"));

        assertFalse(line.contains(secret), line);
        assertFalse(line.contains("hunter2"), line);
        assertFalse(line.contains("only-a-password"), line);
        assertTrue(line.contains("JWT_SECRET_KEY=<masked>"), line);
        assertTrue(line.contains("MONGO_URL=mongodb://relay:<masked>@db1:27017,db2:27017/chat?authSource=admin"), line);
        assertTrue(line.contains("REDIS_URL=redis://<masked>@cache:6379"), line);
        assertTrue(line.contains("PORT=9001"), line);
    }

    @Test
    void theConfigurationLineListsEverySettingWithTheValueTheNodeTookAndSaysWhatIsUnset() {
        String line = StartupSummary.configuration(Map.of("RELAY_SEND_BURST", " 7 "));

        for (Setting setting : Setting.values()) {
            assertTrue(line.contains(setting.variable() + "="), setting + " is missing from: " + line);
        }
        assertTrue(line.contains("RELAY_SEND_BURST=7,"), line);
        assertTrue(line.contains("PORT=8001,"), "a default is the value taken: " + line);
        assertTrue(line.contains("JWT_SECRET_KEY=unset"), line);
        assertTrue(line.contains("REDIS_URL=unset"), line);
    }

    @Test
    void aUrlKeepsItsHostAndUserButNeverItsPassword() {
        assertEquals("redis://<masked>@cache:6379", StartupSummary.maskedUrl("redis://only-a-password@cache:6379"),
                "Redis reads a user info without ':' as the password");
        assertEquals("rediss://default:<masked>@cache:6380/0", StartupSummary.maskedUrl("rediss://default:p@ss@cache:6380/0"));
        assertEquals("redis://cache:6379?timeout=5s&password=<masked>",
                StartupSummary.maskedUrl("redis://cache:6379?timeout=5s&password=abc"));
        assertEquals("mongodb+srv://cluster0.example/chat", StartupSummary.maskedUrl("mongodb+srv://cluster0.example/chat"));
        assertEquals("redis://<masked>@h1:7000,redis://default:<masked>@h2:7001,redis://h3:7002",
                StartupSummary.maskedUrl("redis://pw1@h1:7000,redis://default:pw2@h2:7001,redis://h3:7002"),
                "each seed of a Redis Cluster is masked on its own");
        assertEquals("mongodb://app:<masked>@db1:27017,db2:27017/chat",
                StartupSummary.maskedUrl("mongodb://app:pw@db1:27017,db2:27017/chat"), "hosts of one URI are not URIs");
    }

    @Test
    void theVersionIsTheBuildsOwn() {
        assertTrue(StartupSummary.version().matches("\\d+\\.\\d+.*"), StartupSummary.version());
    }
}
