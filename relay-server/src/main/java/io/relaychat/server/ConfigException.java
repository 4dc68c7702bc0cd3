package io.relaychat.server;

/** A configuration value that cannot be used; its message tells the operator which and why. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
