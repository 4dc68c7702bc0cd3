package io.relaychat.adapter.auth;

import java.util.Objects;

/**
 * What the identity provider's tokens must say to be taken ({@code iss}, {@code aud}), and which of their claims
 * name the user: the id (by default {@code sub}), the username and the email, as OpenID Connect names them.
 */
public record IdentityProviderSettings(String issuer, String audience, String userIdClaim, String usernameClaim,
                                       String emailClaim) {
    public static final String DEFAULT_USER_ID_CLAIM = "sub";
    public static final String DEFAULT_USERNAME_CLAIM = "preferred_username";
    public static final String DEFAULT_EMAIL_CLAIM = "email";

    public IdentityProviderSettings {
        requireText(issuer, "issuer");
        requireText(audience, "audience");
        requireText(userIdClaim, "userIdClaim");
        requireText(usernameClaim, "usernameClaim");
        requireText(emailClaim, "emailClaim");
    }

    /** With the standard claim names. */
    public IdentityProviderSettings(String issuer, String audience) {
        this(issuer, audience, DEFAULT_USER_ID_CLAIM, DEFAULT_USERNAME_CLAIM, DEFAULT_EMAIL_CLAIM);
    }

    private static void requireText(String value, String what) {
        if (Objects.requireNonNull(value, what).isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
    }
}
