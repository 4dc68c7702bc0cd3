package io.relaychat.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Arrays;

/**
 * {@code java -jar relay-server.jar}: logging and configuration from the environment, graceful stop on SIGTERM, and
 * an exit within the shutdown grace (and a small margin) even if something on the way out hangs; with
 * {@code --help} or {@code --version}, only that answer; with {@code export}, the copy of the SQLite store into MongoDB
 * ({@link ExportCommand}).
 */
public final class RelayServerMain {
    /** Past the grace, time for the last steps to log and the JVM to end before it is halted. */
    static final Duration EXIT_MARGIN = Duration.ofSeconds(2);

    private RelayServerMain() {
    }

    public static void main(String[] args) {
        if (args.length > 0) {
            System.exit(answer(args));
            return;
        }
        long started = System.nanoTime();
        LogSettings logging;
        try {
            logging = LogSettings.fromEnvironment(System.getenv());
        } catch (ConfigException e) {
            System.err.println("relay-server: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        logging.apply(); // before anything logs: every line has the chosen format
        Logger log = LoggerFactory.getLogger(RelayServerMain.class);
        UnknownSettings.warnings(System.getenv()).forEach(log::warn);
        RelayServer server;
        ServerConfig config;
        try {
            config = ServerConfig.fromEnvironment(System.getenv());
            server = new RelayServer(config);
        } catch (ConfigException e) {
            System.err.println("relay-server: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        } catch (RuntimeException e) {
            System.err.println("relay-server: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        StartupSummary.log(log, System.getenv(), server.adapters());
        try {
            server.start();
        } catch (Exception e) {
            System.err.println("relay-server: cannot start: " + e.getMessage());
            server.close();
            System.exit(1);
            return;
        }
        Duration exitWithin = config.shutdownGrace().plus(EXIT_MARGIN);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            haltAfter(exitWithin, log);
            server.close();
        }, "relay-shutdown"));
        log.info("RelayChat ready in {} ms", (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * What the command line asks instead of starting the server: {@code --help} and {@code --version} on standard
     * output with exit 0, {@code export} its own exit code, anything else a short usage on standard error with exit 2,
     * as for a bad setting.
     */
    static int answer(String[] args) {
        if (args[0].equals(ExportCommand.NAME)) {
            return ExportCommand.fromCommandLine(Arrays.asList(args).subList(1, args.length));
        }
        if (args.length == 1) {
            switch (args[0]) {
                case "--help", "-h" -> {
                    System.out.print(SettingsDoc.help());
                    return 0;
                }
                case "--version" -> {
                    System.out.println(BuildInfo.load().line());
                    return 0;
                }
                default -> {
                    // a usage, below
                }
            }
        }
        System.err.println("relay-server: unknown argument: " + String.join(" ", args));
        System.err.print(SettingsDoc.usage());
        return 2;
    }

    /** A watch on the shutdown: the process ends at {@code limit} whatever still runs, as an operator expects. */
    private static void haltAfter(Duration limit, Logger log) {
        Thread watch = new Thread(() -> {
            try {
                Thread.sleep(limit.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            log.error("shutdown did not finish within {} ms; halting", limit.toMillis());
            Runtime.getRuntime().halt(1);
        }, "relay-shutdown-watch");
        watch.setDaemon(true);
        watch.start();
    }
}
