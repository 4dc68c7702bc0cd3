package io.relaychat.client;

import java.net.URI;
import java.time.Duration;

/** What became of the client's WebSocket: news for a status line, never something the application must repair. */
public sealed interface ConnectionEvent {

    /** A WebSocket is open to {@code endpoint}; every followed room is being resumed on it. */
    record Connected(URI endpoint) implements ConnectionEvent {
    }

    /**
     * The WebSocket ended ({@code code} and {@code reason} as the close frame said; 1006 when there was none), and
     * the next attempt comes after {@code retryIn}. Sends and follows made meanwhile wait for it.
     */
    record Disconnected(URI endpoint, int code, String reason, Duration retryIn) implements ConnectionEvent {
    }

    /**
     * The client is done: closed by the application, or given up because its credentials were refused
     * ({@code cause} then says why; null after {@link RelayClient#close()}).
     */
    record Closed(RelayException cause) implements ConnectionEvent {
    }
}
