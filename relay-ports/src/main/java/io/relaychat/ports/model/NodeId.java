package io.relaychat.ports.model;

/** Opaque identifier of a node. */
public record NodeId(String value) {
    public NodeId {
        Ids.require(value, "node_id");
    }

    @Override
    public String toString() {
        return value;
    }
}
