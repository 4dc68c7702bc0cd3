package io.relaychat.ports.model;

/** Opaque identifier of a room. */
public record RoomId(String value) {
    public RoomId {
        Ids.require(value, "room_id");
    }

    @Override
    public String toString() {
        return value;
    }
}
