package io.relaychat.server;

import io.relaychat.adapter.auth.IdentityProviderSettings;
import io.relaychat.adapter.auth.JwksSettings;
import io.relaychat.adapter.auth.PemPublicKeys;

import java.net.InetAddress;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Who may sign in, as the environment says (RELAY_LOCAL_ACCOUNTS and the RELAY_OIDC_* rows of {@link Setting}):
 * accounts with passwords here, the application's identity provider, or both. The provider's key file is read and
 * its JWKS address checked here, at start-up, so that a mistake stops the server rather than every login.
 */
public record IdentityConfig(boolean localAccounts, Optional<IdentityProviderSettings> provider,
                             Optional<PublicKey> publicKey, Optional<JwksSettings> jwks) {

    /** Whether tokens of an identity provider are taken. */
    public boolean external() {
        return provider.isPresent();
    }

    static IdentityConfig fromEnvironment(EnvReader read) {
        boolean local = read.bool(Setting.RELAY_LOCAL_ACCOUNTS);
        String issuer = read.text(Setting.RELAY_OIDC_ISSUER);
        String audience = read.text(Setting.RELAY_OIDC_AUDIENCE);
        String keyFile = read.text(Setting.RELAY_OIDC_PUBLIC_KEY);
        String jwksUrl = read.text(Setting.RELAY_OIDC_JWKS_URL);
        // Every row is read, used or not, so that a value out of its bounds is refused whatever else is set.
        String userIdClaim = read.text(Setting.RELAY_OIDC_USER_ID_CLAIM);
        String usernameClaim = read.text(Setting.RELAY_OIDC_USERNAME_CLAIM);
        String emailClaim = read.text(Setting.RELAY_OIDC_EMAIL_CLAIM);
        Duration keep = Duration.ofSeconds(read.integer(Setting.RELAY_OIDC_JWKS_KEEP_SECONDS));
        Duration interval = Duration.ofSeconds(read.integer(Setting.RELAY_OIDC_JWKS_MIN_INTERVAL_SECONDS));
        Duration timeout = Duration.ofMillis(read.integer(Setting.RELAY_OIDC_JWKS_TIMEOUT_MS));
        if (keyFile != null && jwksUrl != null) {
            throw new ConfigException("RELAY_OIDC_PUBLIC_KEY and RELAY_OIDC_JWKS_URL are both set: choose one way to "
                    + "the identity provider's keys");
        }
        if (issuer == null && audience == null && keyFile == null && jwksUrl == null) {
            if (!local) {
                throw new ConfigException("RELAY_LOCAL_ACCOUNTS=false needs an identity provider (RELAY_OIDC_ISSUER, "
                        + "RELAY_OIDC_AUDIENCE and RELAY_OIDC_PUBLIC_KEY or RELAY_OIDC_JWKS_URL): nobody could sign in");
            }
            return new IdentityConfig(true, Optional.empty(), Optional.empty(), Optional.empty());
        }
        List<String> missing = new ArrayList<>();
        if (issuer == null) {
            missing.add("RELAY_OIDC_ISSUER (the iss of its tokens)");
        }
        if (audience == null) {
            missing.add("RELAY_OIDC_AUDIENCE (the aud they must name)");
        }
        if (keyFile == null && jwksUrl == null) {
            missing.add("RELAY_OIDC_PUBLIC_KEY or RELAY_OIDC_JWKS_URL (its keys)");
        }
        if (!missing.isEmpty()) {
            throw new ConfigException("an identity provider is configured only in part: without "
                    + String.join(", ", missing) + " its tokens would be taken from anyone; set them too");
        }
        IdentityProviderSettings provider = new IdentityProviderSettings(issuer, audience, userIdClaim, usernameClaim,
                emailClaim);
        if (keyFile != null) {
            try {
                return new IdentityConfig(local, Optional.of(provider), Optional.of(PemPublicKeys.read(Path.of(keyFile))),
                        Optional.empty());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("RELAY_OIDC_PUBLIC_KEY: " + e.getMessage());
            }
        }
        if (keep.compareTo(interval) < 0) {
            throw new ConfigException("RELAY_OIDC_JWKS_KEEP_SECONDS must be at least RELAY_OIDC_JWKS_MIN_INTERVAL_SECONDS: "
                    + "keys must not expire while no fetch is allowed");
        }
        return new IdentityConfig(local, Optional.of(provider), Optional.empty(), Optional.of(new JwksSettings(
                jwksUrl(jwksUrl), keep, interval, timeout)));
    }

    /** https, or http to this machine only: keys fetched in the clear could be swapped on the way. */
    private static URL jwksUrl(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new ConfigException("RELAY_OIDC_JWKS_URL must be a URL, got '" + text + "'");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http") && isLoopback(uri.getHost()))) {
            throw new ConfigException("RELAY_OIDC_JWKS_URL must be an https:// URL (http:// only to a loopback address), "
                    + "got '" + text + "'");
        }
        try {
            return uri.toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new ConfigException("RELAY_OIDC_JWKS_URL must be a URL, got '" + text + "'");
        }
    }

    /** Only literal addresses and localhost: a name is not resolved at start-up. */
    private static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!literal.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false;
        }
        try {
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
