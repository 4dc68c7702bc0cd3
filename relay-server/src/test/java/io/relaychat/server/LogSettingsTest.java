package io.relaychat.server;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogSettingsTest {

    @Test
    void byDefaultThePlainLineAtInfo() {
        LogSettings settings = LogSettings.fromEnvironment(Map.of());

        assertEquals(LogSettings.Format.PLAIN, settings.format());
        assertEquals(Level.INFO, settings.rootLevel());
        assertEquals(Map.of(), settings.loggerLevels());
    }

    @Test
    void theLevelMayBeFollowedByLevelsOfLoggersSuchAsTheAccessLogs() {
        LogSettings settings = LogSettings.fromEnvironment(Map.of("RELAY_LOG_FORMAT", "JSON",
                "RELAY_LOG_LEVEL", "warn, relay.access=off ,io.relaychat.adapter.redis=DEBUG"));

        assertEquals(LogSettings.Format.JSON, settings.format());
        assertEquals(Level.WARN, settings.rootLevel());
        assertEquals(Map.of("relay.access", Level.OFF, "io.relaychat.adapter.redis", Level.DEBUG), settings.loggerLevels());
    }

    @Test
    void aValueNobodyKnowsIsRefusedNamingTheVariable() {
        assertTrue(assertThrows(ConfigException.class, () -> LogSettings.fromEnvironment(Map.of("RELAY_LOG_FORMAT", "xml")))
                .getMessage().startsWith("RELAY_LOG_FORMAT must be plain or json"));
        for (String bad : new String[] {"loud", "info,relay.access", "=debug", "info,relay.access=verbose"}) {
            ConfigException error = assertThrows(ConfigException.class,
                    () -> LogSettings.fromEnvironment(Map.of("RELAY_LOG_LEVEL", bad)), bad);
            assertTrue(error.getMessage().startsWith("RELAY_LOG_LEVEL must be a level"), error.getMessage());
        }
    }
}
