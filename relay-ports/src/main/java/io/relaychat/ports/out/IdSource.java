package io.relaychat.ports.out;

/** New unique ids for users, rooms, messages, connections and files. */
@FunctionalInterface
public interface IdSource {
    String newId();
}
