package io.relaychat.ports.out;

/** New unique ids: of users, rooms, connections and files from one source, of messages from another. */
@FunctionalInterface
public interface IdSource {
    String newId();
}
