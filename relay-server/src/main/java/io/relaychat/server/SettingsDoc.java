package io.relaychat.server;

import java.util.List;
import java.util.stream.Stream;

/**
 * The settings table ({@link Setting}) written out for people: as the text {@code --help} prints, and as the
 * markdown of docs/configuration.md, both grouped as the table groups them.
 */
final class SettingsDoc {
    /** Where the markdown lives, from the repository's root. */
    static final String MARKDOWN_PATH = "docs/configuration.md";
    /** What rewrites {@link #MARKDOWN_PATH} from the code, run from the repository's root. */
    static final String REGENERATE = "mvn -B -o -q test -pl relay-server -am -Dtest=ConfigurationDocTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Drelay.writeConfigurationDoc=true";

    private SettingsDoc() {
    }

    static String usage() {
        return """
                usage: java -jar relay-server.jar [--help | --version]
                       java -jar relay-server.jar export --to MONGODB_URI [--from DATA_DIR] [--uploads UPLOAD_DIR]
                  (no argument)  start the server, configured by environment variables
                  --help, -h     list every environment variable with its default, bounds and meaning
                  --version      print the version and the git commit it was built from
                  export         copy the SQLite store (RELAY_DATA_DIR) and the uploads (RELAY_UPLOAD_DIR) into MongoDB,
                                 the server stopped; run again, it adds nothing
                """;
    }

    static String help() {
        StringBuilder out = new StringBuilder(usage());
        out.append("""

                Every setting is an environment variable; a missing or blank one takes its default, a value that \
                does not parse or is out of bounds stops start-up (exit 2). For a limit or timeout, 0 turns it off \
                where its bounds allow 0.
                """);
        for (Setting.Group group : Setting.Group.values()) {
            out.append('\n').append(group.title()).append('\n');
            for (Setting setting : in(group)) {
                out.append("  ").append(setting.variable()).append('\n')
                        .append("      ").append(setting.meaning()).append('\n')
                        .append("      default: ").append(setting.shownDefault())
                        .append("; bounds: ").append(setting.bounds()).append('\n');
            }
        }
        return out.toString();
    }

    static String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("# Configuration\n\n")
                .append("<!-- Generated from the settings table in relay-server (io.relaychat.server.Setting): "
                        + "do not edit by hand. -->\n\n")
                .append("This file is generated from the server's settings table, the same table that reads the "
                        + "environment and that `java -jar relay-server.jar --help` prints. To change it, change the "
                        + "table and regenerate it from the repository's root with:\n\n")
                .append("    ").append(REGENERATE).append("\n\n")
                .append("Every setting is an environment variable; a missing or blank one takes its default, and a "
                        + "value that does not parse or is out of bounds stops start-up with exit code 2 and a "
                        + "message naming the variable. For a limit or timeout, `0` turns it off where its bounds "
                        + "allow `0`. A `RELAY_*` variable that is not a setting is ignored with a warning at "
                        + "start-up that names the closest setting.\n");
        for (Setting.Group group : Setting.Group.values()) {
            out.append("\n## ").append(group.title()).append("\n\n")
                    .append("| variable | default | bounds | meaning |\n")
                    .append("| --- | --- | --- | --- |\n");
            for (Setting setting : in(group)) {
                out.append("| `").append(setting.variable()).append("` | ")
                        .append(setting.defaultIsValue() ? "`" + setting.shownDefault() + "`" : cell(setting.shownDefault()))
                        .append(" | ")
                        .append(cell(setting.bounds())).append(" | ")
                        .append(cell(setting.meaning())).append(" |\n");
            }
        }
        return out.toString();
    }

    private static List<Setting> in(Setting.Group group) {
        return Stream.of(Setting.values()).filter(setting -> setting.group() == group).toList();
    }

    /** A table cell: a '|' in the text would end it early. */
    private static String cell(String text) {
        return text.replace("|", "\\|");
    }
}
