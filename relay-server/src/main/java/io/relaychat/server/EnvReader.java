package io.relaychat.server;

import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Typed reads of environment variables: a value that does not parse or is out of bounds stops start-up with
 * a message naming the variable and what it must be; a missing or blank one takes its default.
 */
record EnvReader(Map<String, String> env) {
    String text(String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    boolean bool(String name, boolean fallback) {
        return parse(name, fallback, text -> switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new IllegalArgumentException();
        }, "true or false");
    }

    int integer(String name, int fallback, int min, int max) {
        return parse(name, fallback, text -> {
            int value = Integer.parseInt(text);
            if (value < min || value > max) {
                throw new NumberFormatException();
            }
            return value;
        }, "an integer from " + min + " to " + max);
    }

    /** A number with a fraction allowed, e.g. a rate of 0.5 per second. */
    double decimal(String name, double fallback, double min, double max) {
        return parse(name, fallback, text -> {
            double value = Double.parseDouble(text);
            if (!(value >= min && value <= max)) {
                throw new NumberFormatException();
            }
            return value;
        }, "a number from " + (long) min + " to " + (long) max);
    }

    private <T> T parse(String name, T fallback, Function<String, T> parser, String expected) {
        String text = text(name, null);
        if (text == null) {
            return fallback;
        }
        try {
            return parser.apply(text);
        } catch (RuntimeException e) {
            throw new ConfigException(name + " must be " + expected + ", got '" + text + "'");
        }
    }
}
