package io.relaychat.server;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The {@code RELAY_*} variables of an environment that are no setting, each with the closest real one: a misspelt
 * limit is otherwise silently ignored, and the node runs with a default the operator thought they had changed.
 */
final class UnknownSettings {
    static final String PREFIX = "RELAY_";

    private UnknownSettings() {
    }

    /** One warning per unknown {@code RELAY_*} variable, in name order. */
    static List<String> warnings(Map<String, String> env) {
        return env.keySet().stream()
                .filter(name -> name.startsWith(PREFIX))
                .filter(name -> Stream.of(Setting.values()).noneMatch(setting -> setting.variable().equals(name)))
                .sorted()
                .map(name -> name + " is not a setting and is ignored; did you mean " + closest(name) + "?"
                        + " (relay-server --help lists them all)")
                .toList();
    }

    /** The setting whose name is the fewest single-letter edits away; the table's order breaks a tie. */
    static String closest(String name) {
        return Stream.of(Setting.values())
                .map(Setting::variable)
                .min(Comparator.comparingInt(candidate -> distance(name, candidate)))
                .orElseThrow();
    }

    /** Levenshtein distance: insertions, deletions and substitutions, one row of the table at a time. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
