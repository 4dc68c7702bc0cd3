package io.relaychat.server;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UnknownSettingsTest {

    @Test
    void aMisspeltRelayVariableIsNamedWithTheClosestSetting() {
        List<String> warnings = UnknownSettings.warnings(Map.of(
                "RELAY_MAX_CONECTIONS", "5",
                "RELAY_SEND_RATE_PER_SECONDS", "1",
                "RELAY_MAX_CONNECTIONS", "7",
                "PATH", "/usr/bin",
                "MONGO_URI", "mongodb://db"));

        assertEquals(List.of(
                "RELAY_MAX_CONECTIONS is not a setting and is ignored; did you mean RELAY_MAX_CONNECTIONS?"
                        + " (relay-server --help lists them all)",
                "RELAY_SEND_RATE_PER_SECONDS is not a setting and is ignored; did you mean RELAY_SEND_RATE_PER_SECOND?"
                        + " (relay-server --help lists them all)"),
                warnings, "real settings and variables outside RELAY_* are not warned about");
    }

    @Test
    void theClosestSettingIsTheFewestEditsAway() {
        assertEquals("RELAY_LOG_LEVEL", UnknownSettings.closest("RELAY_LOGLEVEL"));
        assertEquals("RELAY_BCRYPT_COST", UnknownSettings.closest("RELAY_BCRYPT_COSTS"));
        assertEquals(3, UnknownSettings.distance("kitten", "sitting"));
    }
}
