package io.relaychat.server;

import org.slf4j.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one line start-up writes about the node: its version, its whole configuration with every secret masked,
 * and the adapters it chose; so that an operator reading the log of a node knows what it ran, and how.
 * <p>
 * The configuration is rendered from the records themselves, component by component, so that a setting added
 * later shows up without anyone remembering to add it here, and is masked by the same rules: a text whose name
 * speaks of a secret, a password or a token is only said to be set or not; a URL ({@code mongoUrl},
 * {@code redisUrl}) keeps its host and loses the password of its user info and any secret-looking query parameter.
 */
final class StartupSummary {
    static final String MASK = "<masked>";
    private static final String VERSION_RESOURCE = "version.properties";
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(secret|password|credential|token).*");
    private static final Pattern URL_NAME = Pattern.compile("(?i).*(url|uri)");
    /** {@code scheme://userinfo@}: the last '@' before the path, since a password may hold an unescaped one. */
    private static final Pattern USER_INFO = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#]*)@");
    private static final Pattern SECRET_PARAMETER =
            Pattern.compile("(?i)([?&][^=&#]*(?:password|secret|token|key|credential)[^=&#]*=)[^&#]*");

    private StartupSummary() {
    }

    static void log(Logger log, ServerConfig config, String adapters) {
        String version = version();
        String configuration = configuration(config);
        log.atInfo()
                .addKeyValue("version", version)
                .addKeyValue("configuration", configuration)
                .addKeyValue("adapters", adapters)
                .log("RelayChat starting"); // the fields say the rest, in either format
    }

    /** The version Maven wrote into the build's resources; "unknown" for classes compiled some other way. */
    static String version() {
        try (InputStream in = StartupSummary.class.getResourceAsStream(VERSION_RESOURCE)) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "").strip();
            return version.isEmpty() || version.startsWith("${") ? "unknown" : version;
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The configuration as {@code name=value, ...}, nested settings in brackets, every secret masked. */
    static String configuration(ServerConfig config) {
        return components(config);
    }

    private static String components(Record record) {
        StringJoiner joined = new StringJoiner(", ");
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            Object value;
            try {
                value = component.getAccessor().invoke(record);
            } catch (ReflectiveOperationException | RuntimeException e) {
                value = "?";
            }
            joined.add(component.getName() + "=" + rendered(component.getName(), value));
        }
        return joined.toString();
    }

    private static String rendered(String name, Object value) {
        if (value == null) {
            return "unset";
        }
        if (value instanceof Record nested) {
            return nested.getClass().getSimpleName() + "[" + components(nested) + "]";
        }
        if (value instanceof String text) {
            if (SECRET_NAME.matcher(name).matches()) {
                return MASK;
            }
            if (URL_NAME.matcher(name).matches()) {
                return maskedUrl(text);
            }
        }
        return String.valueOf(value);
    }

    /**
     * {@code url} without its credentials: the password of its user info (all of the user info when it has no
     * ':', since Redis reads a lone user info as the password) and the values of secret-looking query parameters.
     */
    static String maskedUrl(String url) {
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
