package io.relaychat.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar relay-server.jar}: configuration from the environment, graceful stop on SIGTERM. */
public final class RelayServerMain {
    private RelayServerMain() {
    }

    public static void main(String[] args) {
        long started = System.nanoTime();
        Logger log = LoggerFactory.getLogger(RelayServerMain.class);
        RelayServer server;
        try {
            server = new RelayServer(ServerConfig.fromEnvironment(System.getenv()));
        } catch (ConfigException e) {
            System.err.println("relay-server: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        } catch (RuntimeException e) {
            System.err.println("relay-server: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        try {
            server.start();
        } catch (Exception e) {
            System.err.println("relay-server: cannot start: " + e.getMessage());
            server.close();
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "relay-shutdown"));
        log.info("RelayChat ready in {} ms", (System.nanoTime() - started) / 1_000_000);
    }
}
