package io.relaychat.ports.in;

import io.relaychat.ports.model.InvalidCommandException;

public record LoginCommand(String email, String password) {
    public LoginCommand {
        email = RegisterCommand.Emails.requireValid(email);
        if (password == null) {
            throw new InvalidCommandException("password", "password is required");
        }
    }

    @Override
    public String toString() {
        return "LoginCommand[email=" + email + ", password=<hidden>]";
    }
}
