package io.relaychat.server;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

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

    /**
     * What the README and the other docs tell readers to set exists: a misspelt or never-built variable is ignored by
     * nobody but the reader, since the server only warns of unknown RELAY_ names at start-up. A name after a {@code $}
     * is a shell variable of an example, and one ending in {@code _} a family ({@code RELAY_MONGO_*}).
     */
    @Test
    void everySettingTheDocsNameIsOneTheServerReads() throws IOException {
        Set<String> settings = Arrays.stream(Setting.values()).map(Setting::variable).collect(Collectors.toSet());
        Pattern named = Pattern.compile("(?<![$A-Z0-9_])RELAY_[A-Z0-9_]*[A-Z0-9]\\b(?![_*])");
        Set<String> unknown = new TreeSet<>();
        try (Stream<Path> docs = Stream.concat(Stream.of(Path.of("..", "README.md")), Files.list(DOC.getParent()))) {
            for (Path doc : docs.filter(path -> path.toString().endsWith(".md")).toList()) {
                Matcher matcher = named.matcher(Files.readString(doc, StandardCharsets.UTF_8));
                while (matcher.find()) {
                    if (!settings.contains(matcher.group())) {
                        unknown.add(doc.getFileName() + ": " + matcher.group());
                    }
                }
            }
        }
        assertEquals(Set.of(), unknown, "named in the docs, but no setting of the server");
    }
}
