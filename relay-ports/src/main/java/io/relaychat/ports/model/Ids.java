package io.relaychat.ports.model;

/** Shared checks for the identifier records; ids are opaque, non-blank strings. */
final class Ids {
    private Ids() {
    }

    static String require(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new InvalidCommandException(what, what + " is required");
        }
        return value;
    }
}
