package io.relaychat.ports.model;

/** Opaque identifier of a user. */
public record UserId(String value) {
    public UserId {
        Ids.require(value, "user_id");
    }

    @Override
    public String toString() {
        return value;
    }
}
