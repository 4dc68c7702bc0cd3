package io.relaychat.server;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/configuration.md is what the settings table generates. Run with {@code -Drelay.writeConfigurationDoc=true}
 * (the command in {@link SettingsDoc#REGENERATE}) it rewrites the file instead of comparing.
 */
class ConfigurationDocTest {
    /** Surefire runs in the module's folder; the docs are in the repository's root, one up. */
    private static final Path DOC = Path.of("..").resolve(SettingsDoc.MARKDOWN_PATH);

    @Test
    void theCommittedConfigurationDocIsWhatTheSettingsTableGenerates() throws IOException {
        String generated = SettingsDoc.markdown();
        if (Boolean.getBoolean("relay.writeConfigurationDoc")) {
            Files.writeString(DOC, generated, StandardCharsets.UTF_8);
        }
        String committed = Files.exists(DOC) ? Files.readString(DOC, StandardCharsets.UTF_8) : "";

        assertEquals(generated, committed, SettingsDoc.MARKDOWN_PATH + " differs from what the settings table "
                + "generates; regenerate it from the repository's root with: " + SettingsDoc.REGENERATE);
    }

    @Test
    void theDocHasATablePerGroupWithEverySettingInBackticks() {
        String markdown = SettingsDoc.markdown();

        for (Setting.Group group : Setting.Group.values()) {
            assertTrue(markdown.contains("\n## " + group.title() + "\n\n| variable | default | bounds | meaning |\n"),
                    group.title());
        }
        for (Setting setting : Setting.values()) {
            assertTrue(markdown.contains("\n| `" + setting.variable() + "` | "), setting.variable());
        }
        assertTrue(markdown.contains("| `PORT` | `8001` | 0 to 65535 | "), markdown);
        assertTrue(markdown.contains("| `RELAY_BCRYPT_THREADS` | cores − 1 | 1 to 256 | "),
                "a default that depends on the machine reads the same everywhere: " + markdown);
    }
}
