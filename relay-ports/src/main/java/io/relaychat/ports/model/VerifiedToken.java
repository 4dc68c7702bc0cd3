package io.relaychat.ports.model;

import java.util.Objects;
import java.util.Optional;

/**
 * Who a good token speaks for. A token the server issued itself names a user it already has ({@code profile}
 * empty); one from the application's identity provider also carries what its claims say of the user, since the
 * server may be seeing that user for the first time and must then create them from it.
 */
public record VerifiedToken(UserId userId, Optional<Profile> profile) {
    public VerifiedToken {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(profile, "profile");
    }

    /**
     * The username and email as the identity provider's claims give them, unchecked: either may be missing, and
     * neither is trusted to be free, valid or unlike someone else's until the core has looked.
     */
    public record Profile(Optional<String> username, Optional<String> email) {
        public Profile {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(email, "email");
        }
    }

    /** A token of the server's own, for a user it created. */
    public static VerifiedToken ofUser(UserId userId) {
        return new VerifiedToken(userId, Optional.empty());
    }

    /** A token from the identity provider; {@code username} and {@code email} are null when its claims lack them. */
    public static VerifiedToken fromIdentityProvider(UserId userId, String username, String email) {
        return new VerifiedToken(userId, Optional.of(new Profile(Optional.ofNullable(username), Optional.ofNullable(email))));
    }
}
