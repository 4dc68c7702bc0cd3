package io.relaychat.client;

import java.util.Objects;

/**
 * Who the client signs in as. With an email and a password the client can sign in again by itself whenever its
 * token stops working (expired, or the server's secret changed); with a bare token it cannot, and a refused token
 * ends the client.
 */
public sealed interface Credentials {

    /** An existing account. */
    static Credentials password(String email, String password) {
        return new Password(email, password);
    }

    /** A new account, registered when the client first connects; later sign-ins log in with the same email and password. */
    static Credentials register(String email, String username, String password) {
        return new Registration(email, username, password);
    }

    /** A token already issued, for example by {@link RelayRest#login}. */
    static Credentials token(String accessToken) {
        return new Token(accessToken);
    }

    record Password(String email, String password) implements Credentials {
        public Password {
            Objects.requireNonNull(email, "email");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() {
            return "Password[" + email + "]"; // never the password, whatever logs a Credentials
        }
    }

    record Registration(String email, String username, String password) implements Credentials {
        public Registration {
            Objects.requireNonNull(email, "email");
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() {
            return "Registration[" + email + ", " + username + "]";
        }
    }

    record Token(String accessToken) implements Credentials {
        public Token {
            Objects.requireNonNull(accessToken, "accessToken");
        }

        @Override
        public String toString() {
            return "Token[…]";
        }
    }
}
