package io.relaychat.ports.in;

import io.relaychat.ports.model.InvalidCommandException;

import java.util.Objects;

/**
 * A request to log in, and where it came from ({@link ClientAddress#unknown()} when the caller cannot tell):
 * failed logins are limited per email and per address.
 */
public record LoginCommand(String email, String password, ClientAddress from) {
    public LoginCommand {
        email = RegisterCommand.Emails.requireValid(email);
        if (password == null) {
            throw new InvalidCommandException("password", "password is required");
        }
        Objects.requireNonNull(from, "from");
    }

    /** From an address the caller cannot tell: limited per email only. */
    public LoginCommand(String email, String password) {
        this(email, password, ClientAddress.unknown());
    }

    @Override
    public String toString() {
        return "LoginCommand[email=" + email + ", password=<hidden>, from=" + from + "]";
    }
}
