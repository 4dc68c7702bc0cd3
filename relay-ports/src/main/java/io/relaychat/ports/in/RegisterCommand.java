package io.relaychat.ports.in;

import io.relaychat.ports.model.InvalidCommandException;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A request to create an account, and where it came from ({@link ClientAddress#unknown()} when the caller cannot
 * tell): registrations are limited per address. Passwords are limited to 72 UTF-8 bytes because bcrypt ignores
 * everything after that: two different long passwords would otherwise both log in.
 */
public record RegisterCommand(String email, String username, String password, ClientAddress from) {
    public static final int MIN_PASSWORD_LENGTH = 8;
    public static final int MAX_PASSWORD_BYTES = 72;
    public static final int MAX_USERNAME_LENGTH = 64;

    private static final Pattern EMAIL =
            Pattern.compile("^[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+$");

    public RegisterCommand {
        email = Emails.requireValid(email);
        if (username == null || username.isBlank()) {
            throw new InvalidCommandException("username", "username must not be empty");
        }
        username = username.strip();
        if (username.codePointCount(0, username.length()) > MAX_USERNAME_LENGTH) {
            throw new InvalidCommandException("username",
                    "username must be at most " + MAX_USERNAME_LENGTH + " characters");
        }
        if (username.codePoints().anyMatch(RegisterCommand::isInvisibleOrControl)) {
            throw new InvalidCommandException("username",
                    "username must not contain control, formatting or direction characters");
        }
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            throw new InvalidCommandException("password",
                    "password must be at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            throw new InvalidCommandException("password",
                    "password must be at most " + MAX_PASSWORD_BYTES + " bytes in UTF-8");
        }
        Objects.requireNonNull(from, "from");
    }

    /** From an address the caller cannot tell: not limited per address. */
    public RegisterCommand(String email, String username, String password) {
        this(email, username, password, ClientAddress.unknown());
    }

    /**
     * Characters that make a name other than it looks: controls (NUL, newlines), formatting characters (the
     * bidi overrides that turn "evil.exe" around, zero-width joiners and spaces) and line separators. Public so that
     * a username taken from elsewhere (an identity provider's claim) is held to the same rule.
     */
    public static boolean isInvisibleOrControl(int codePoint) {
        int type = Character.getType(codePoint);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.UNASSIGNED || type == Character.PRIVATE_USE
                || type == Character.SURROGATE;
    }

    @Override
    public String toString() {
        return "RegisterCommand[email=" + email + ", username=" + username + ", password=<hidden>, from=" + from + "]";
    }

    /**
     * Whether {@code email} passes the syntax register and login require; for an email taken from elsewhere (an
     * identity provider's claim), which is held to the same rule.
     */
    public static boolean isValidEmail(String email) {
        try {
            Emails.requireValid(email);
            return true;
        } catch (InvalidCommandException e) {
            return false;
        }
    }

    /** Email syntax shared by register and login. */
    static final class Emails {
        private Emails() {
        }

        static String requireValid(String email) {
            if (email == null || !EMAIL.matcher(email.strip()).matches() || email.length() > 254) {
                throw new InvalidCommandException("email", "email is not a valid email address");
            }
            return email.strip();
        }
    }
}
