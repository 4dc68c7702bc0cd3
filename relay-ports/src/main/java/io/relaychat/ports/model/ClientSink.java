package io.relaychat.ports.model;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The way back to one connected client, implemented by a transport and handed to the core when
 * the client connects. The core calls it from any thread; implementations must not block.
 */
@FunctionalInterface
public interface ClientSink {
    void send(Broadcast broadcast);

    /**
     * Completes once what was sent so far has mostly left for the client, so that more can follow without
     * piling up: the core waits on it between the pages of a resuming client's stored messages. Completes at
     * once by default, and also when the client has gone (the core then stops by itself).
     */
    default CompletionStage<Void> whenWritable() {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * The server closes this client's connection on purpose (a backend disconnected the user), saying
     * {@code reason}; the transport's close then ends the core's connection as any close does. Nothing by default.
     */
    default void disconnect(String reason) {
    }
}
