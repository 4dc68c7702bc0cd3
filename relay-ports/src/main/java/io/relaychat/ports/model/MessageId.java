package io.relaychat.ports.model;

/** Opaque identifier of a message. */
public record MessageId(String value) {
    public MessageId {
        Ids.require(value, "message_id");
    }

    @Override
    public String toString() {
        return value;
    }
}
