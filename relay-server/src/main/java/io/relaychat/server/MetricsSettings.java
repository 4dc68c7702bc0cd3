package io.relaychat.server;

/**
 * Where /metrics is served: a port of its own, never the public one, bound to {@code host}. Port 0 turns metrics off
 * (no port is opened, and the core and adapters report to {@code RelayMetrics.NONE}).
 */
public record MetricsSettings(String host, int port) {
    public boolean enabled() {
        return port > 0;
    }
}
