package io.relaychat.ports.model;

/** Opaque identifier of a connection. */
public record ConnectionId(String value) {
    public ConnectionId {
        Ids.require(value, "connection_id");
    }

    @Override
    public String toString() {
        return value;
    }
}
