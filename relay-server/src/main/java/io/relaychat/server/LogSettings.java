package io.relaychat.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How the server logs, from RELAY_LOG_FORMAT ({@code plain} or {@code json}) and RELAY_LOG_LEVEL (a level, then
 * optionally {@code logger=level} entries: {@code info,relay.access=off}), set up in Logback by {@link #apply()}
 * before the first line is written.
 * <p>
 * Configured in code rather than by a logback.xml reading variables: a logback.xml cannot refuse a value it does
 * not know (a misspelt level silently becomes DEBUG, a misspelt appender name silently logs nothing), while here a
 * bad value stops start-up with a {@link ConfigException} like any other setting. An operator who wants a
 * configuration of their own passes {@code -Dlogback.configurationFile}, which is then left as it is.
 * <p>
 * Both formats write to standard error, as the server always has, one event a line (a stack trace follows its line
 * in plain, inside it in JSON). Plain is the readable line: time, level, logger's short name, message, and the
 * event's key-value pairs (the access log's fields). JSON is Logback's own encoder: an object a line with
 * {@code level}, {@code loggerName}, {@code message}, {@code formattedMessage}, the pairs in {@code kvpList} and
 * the error in {@code throwable}.
 */
record LogSettings(Format format, Level rootLevel, Map<String, Level> loggerLevels) {
    static final String FORMAT_VARIABLE = Setting.RELAY_LOG_FORMAT.variable();
    static final String LEVEL_VARIABLE = Setting.RELAY_LOG_LEVEL.variable();
    static final String DEFAULT_FORMAT = "plain";
    static final String DEFAULT_LEVEL = "info";
    static final String PLAIN_PATTERN =
            "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX} %level %logger{0} - %msg%replace( %kvp){'^ $', ''}%n";

    /**
     * Libraries quieter than the root, unless RELAY_LOG_LEVEL names them: Netty says at info what is only
     * chatter, and Lettuce warns, once per client, that it picked epoll over io_uring, a choice, not a problem.
     */
    private static final Map<String, Level> QUIETER_LIBRARIES = Map.of(
            "io.netty", Level.WARN,
            "io.lettuce.core.resource.Transports", Level.ERROR);

    enum Format { PLAIN, JSON }

    LogSettings {
        loggerLevels = Map.copyOf(loggerLevels);
    }

    static LogSettings fromEnvironment(Map<String, String> env) {
        EnvReader read = new EnvReader(env);
        String formatName = read.text(Setting.RELAY_LOG_FORMAT).toLowerCase(Locale.ROOT);
        Format format = switch (formatName) {
            case "plain" -> Format.PLAIN;
            case "json" -> Format.JSON;
            default -> throw new ConfigException(FORMAT_VARIABLE + " must be plain or json, got '"
                    + read.raw(Setting.RELAY_LOG_FORMAT) + "'");
        };
        Level root = Level.INFO;
        Map<String, Level> loggers = new LinkedHashMap<>();
        String levels = read.text(Setting.RELAY_LOG_LEVEL);
        for (String entry : levels.split(",")) {
            String item = entry.strip();
            if (item.isEmpty()) {
                continue;
            }
            int equals = item.indexOf('=');
            if (equals < 0) {
                root = level(item, levels);
            } else if (equals == 0) {
                throw badLevel(levels);
            } else {
                loggers.put(item.substring(0, equals).strip(), level(item.substring(equals + 1).strip(), levels));
            }
        }
        return new LogSettings(format, root, loggers);
    }

    private static Level level(String name, String whole) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "trace" -> Level.TRACE;
            case "debug" -> Level.DEBUG;
            case "info" -> Level.INFO;
            case "warn", "warning" -> Level.WARN;
            case "error" -> Level.ERROR;
            case "off" -> Level.OFF;
            default -> throw badLevel(whole);
        };
    }

    private static ConfigException badLevel(String whole) {
        return new ConfigException(LEVEL_VARIABLE + " must be a level (trace, debug, info, warn, error or off), "
                + "optionally followed by logger=level entries, such as info,relay.access=off; got '" + whole + "'");
    }

    /** Whether the operator configured Logback with a file of their own, which then wins over these settings. */
    static boolean operatorConfigured() {
        return System.getProperty("logback.configurationFile") != null;
    }

    /** Replaces whatever Logback found on the class path with one console appender of the chosen format. */
    void apply() {
        if (operatorConfigured() || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // the operator's own file, or another SLF4J backend first on the class path: theirs to set up
        }
        context.reset();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("console");
        console.setTarget("System.err");
        console.setEncoder(encoder(context));
        console.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(rootLevel);
        root.addAppender(console);
        QUIETER_LIBRARIES.forEach((name, level) -> {
            if (!loggerLevels.containsKey(name)) {
                context.getLogger(name).setLevel(level.isGreaterOrEqual(rootLevel) ? level : rootLevel);
            }
        });
        loggerLevels.forEach((name, level) -> context.getLogger(name).setLevel(level));
    }

    private Encoder<ILoggingEvent> encoder(LoggerContext context) {
        if (format == Format.JSON) {
            JsonEncoder json = new JsonEncoder();
            json.setContext(context);
            // What tells one line from another is its time and content; a sequence number Logback never
            // increments here, the context's name and an empty MDC only lengthen every line.
            json.setWithSequenceNumber(false);
            json.setWithNanoseconds(false);
            json.setWithContext(false);
            json.setWithMDC(false);
            json.setWithArguments(false);
            json.setWithFormattedMessage(true);
            json.start();
            return json;
        }
        PatternLayoutEncoder plain = new PatternLayoutEncoder();
        plain.setContext(context);
        plain.setPattern(PLAIN_PATTERN);
        plain.start();
        return plain;
    }
}
