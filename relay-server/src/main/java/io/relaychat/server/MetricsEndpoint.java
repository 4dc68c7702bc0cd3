package io.relaychat.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves {@code GET /metrics} in the Prometheus text format on a port of its own, with the JDK's HTTP server on one
 * thread of its own: a scrape port for a monitoring system, never the public one, and never on a chat event loop.
 * Anything else is 404.
 */
final class MetricsEndpoint implements AutoCloseable {
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService thread;

    MetricsEndpoint(MetricsSettings settings, PrometheusMeterRegistry registry) throws IOException {
        this.server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 16);
        this.thread = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "relay-metrics");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(thread);
        server.createContext("/", exchange -> answer(exchange, registry));
        server.start();
    }

    private static void answer(HttpExchange exchange, PrometheusMeterRegistry registry) throws IOException {
        try (exchange) {
            boolean scrape = exchange.getRequestURI().getPath().equals("/metrics")
                    && (exchange.getRequestMethod().equals("GET") || exchange.getRequestMethod().equals("HEAD"));
            if (!scrape) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            if (exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        thread.shutdownNow();
    }
}
