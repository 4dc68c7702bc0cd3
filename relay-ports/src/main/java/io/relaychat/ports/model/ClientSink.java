package io.relaychat.ports.model;

/**
 * The way back to one connected client, implemented by a transport and handed to the core when
 * the client connects. The core calls it from any thread; implementations must not block.
 */
@FunctionalInterface
public interface ClientSink {
    void send(Broadcast broadcast);
}
