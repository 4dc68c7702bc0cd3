package io.relaychat.server;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Typed reads of the settings of {@link Setting}, and of nothing else: a value that does not parse or is out of its
 * bounds stops start-up with a message naming the variable and what it must be; a missing or blank one takes the
 * setting's default.
 */
record EnvReader(Map<String, String> env) {
    /** The value as set, stripped, or null when the variable is missing or blank; for any kind of setting. */
    String raw(Setting setting) {
        String value = env.get(setting.variable());
        return value == null || value.isBlank() ? null : value.strip();
    }

    String text(Setting setting) {
        expect(setting, Setting.Kind.TEXT);
        String value = raw(setting);
        return value == null ? (String) setting.fallback() : value;
    }

    /** A comma-separated list, blank entries dropped. */
    @SuppressWarnings("unchecked")
    List<String> list(Setting setting) {
        expect(setting, Setting.Kind.LIST);
        String value = raw(setting);
        if (value == null) {
            return (List<String>) setting.fallback();
        }
        return Arrays.stream(value.split(",")).map(String::strip).filter(entry -> !entry.isEmpty()).toList();
    }

    boolean bool(Setting setting) {
        expect(setting, Setting.Kind.BOOLEAN);
        return parse(setting, text -> switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new IllegalArgumentException();
        }, "true or false");
    }

    int integer(Setting setting) {
        expect(setting, Setting.Kind.INTEGER);
        int min = setting.min().intValue();
        int max = setting.max().intValue();
        return parse(setting, text -> {
            int value = Integer.parseInt(text);
            if (value < min || value > max) {
                throw new NumberFormatException();
            }
            return value;
        }, "an integer from " + min + " to " + max);
    }

    /** A number with a fraction allowed, e.g. a rate of 0.5 per second. */
    double decimal(Setting setting) {
        expect(setting, Setting.Kind.DECIMAL);
        double min = setting.min().doubleValue();
        double max = setting.max().doubleValue();
        return parse(setting, text -> {
            double value = Double.parseDouble(text);
            if (!(value >= min && value <= max)) {
                throw new NumberFormatException();
            }
            return value;
        }, "a number from " + (long) min + " to " + (long) max);
    }

    private <T> T parse(Setting setting, Function<String, T> parser, String expected) {
        String text = raw(setting);
        if (text == null) {
            @SuppressWarnings("unchecked")
            T fallback = (T) setting.fallback();
            return fallback;
        }
        try {
            return parser.apply(text);
        } catch (RuntimeException e) {
            throw new ConfigException(setting.variable() + " must be " + expected + ", got '" + text + "'");
        }
    }

    /** A row read as another type than it is declared is a mistake in the code, not in the environment. */
    private static void expect(Setting setting, Setting.Kind kind) {
        if (setting.kind() != kind) {
            throw new IllegalStateException(setting.variable() + " is a " + setting.kind() + " setting, read as " + kind);
        }
    }
}
