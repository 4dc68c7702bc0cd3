package io.relaychat.server;

import org.slf4j.Logger;

import java.util.Arrays;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The one line start-up writes about the node: its version and commit, its whole configuration with every secret
 * masked, and the adapters it chose; so that an operator reading the log of a node knows what it ran, and how.
 * <p>
 * The configuration is rendered from the settings table ({@link Setting}), row by row, so that a setting added
 * later shows up without anyone remembering to add it here, and is masked as its row says: a secret
 * ({@code JWT_SECRET_KEY}) is only said to be set or not; a URL ({@code MONGO_URL}, {@code REDIS_URL}) keeps its
 * host and loses the password of its user info and any secret-looking query parameter.
 */
final class StartupSummary {
    static final String MASK = "<masked>";
    /** A comma that starts another URI of a list (a Redis Cluster's seeds), not one inside a URI's host list. */
    private static final Pattern NEXT_URI = Pattern.compile(",(?=\\s*[A-Za-z][A-Za-z0-9+.-]*://)");
    /** {@code scheme://userinfo@}: the last '@' before the path, since a password may hold an unescaped one. */
    private static final Pattern USER_INFO = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#]*)@");
    private static final Pattern SECRET_PARAMETER =
            Pattern.compile("(?i)([?&][^=&#]*(?:password|secret|token|key|credential)[^=&#]*=)[^&#]*");

    private StartupSummary() {
    }

    static void log(Logger log, Map<String, String> env, String adapters) {
        BuildInfo build = BuildInfo.load();
        log.atInfo()
                .addKeyValue("version", build.version())
                .addKeyValue("commit", build.commit())
                .addKeyValue("configuration", configuration(env))
                .addKeyValue("adapters", adapters)
                .log("RelayChat starting"); // the fields say the rest, in either format
    }

    /** The version Maven wrote into the build's resources; "unknown" for classes compiled some other way. */
    static String version() {
        return BuildInfo.load().version();
    }

    /**
     * Every setting of the table as {@code NAME=value, ...}, in the table's order: the value as the environment
     * set it, else the default this node took; a secret only said to be set, a URL without its password.
     */
    static String configuration(Map<String, String> env) {
        EnvReader read = new EnvReader(env);
        StringJoiner joined = new StringJoiner(", ");
        for (Setting setting : Setting.values()) {
            String set = read.raw(setting);
            String value = set != null ? set : Setting.rendered(setting.fallback());
            joined.add(setting.variable() + "=" + masked(setting, set == null && setting.fallback() == null ? null : value));
        }
        return joined.toString();
    }

    private static String masked(Setting setting, String value) {
        if (value == null) {
            return "unset";
        }
        return switch (setting.secrecy()) {
            case PLAIN -> value;
            case SECRET -> MASK;
            case URL_CREDENTIALS -> maskedUrl(value);
        };
    }

    /**
     * {@code url} without its credentials: the password of its user info (all of the user info when it has no
     * ':', since Redis reads a lone user info as the password) and the values of secret-looking query parameters.
     * Each URI of a list is masked on its own: a Redis Cluster's seeds are several, each with its password.
     */
    static String maskedUrl(String url) {
        return Arrays.stream(NEXT_URI.split(url, -1)).map(StartupSummary::maskedOne).collect(Collectors.joining(","));
    }

    private static String maskedOne(String url) {
        String masked = url;
        Matcher userInfo = USER_INFO.matcher(masked);
        if (userInfo.find()) {
            String info = userInfo.group(2);
            int colon = info.indexOf(':');
            String kept = colon > 0 ? info.substring(0, colon) + ":" + MASK : MASK;
            masked = userInfo.group(1) + kept + "@" + masked.substring(userInfo.end());
        }
        return SECRET_PARAMETER.matcher(masked).replaceAll(match -> Matcher.quoteReplacement(match.group(1) + MASK));
    }
}
