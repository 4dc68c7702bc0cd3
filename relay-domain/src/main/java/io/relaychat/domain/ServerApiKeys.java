package io.relaychat.domain;

import io.relaychat.ports.in.ClientAddress;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.out.TimeSource;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;

/**
 * Tells the server's API keys from anything else without saying how close a guess came: keys and guesses are
 * compared as SHA-256 digests, all of the same length, with {@link MessageDigest#isEqual}, and every key is
 * compared, whichever matches. Failed attempts count per address, in an allowance of their own as large as the
 * one of failed logins.
 */
final class ServerApiKeys {
    private final List<byte[]> digests;
    private final RateLimiter<String> failuresPerAddress;

    ServerApiKeys(List<String> keys, Rate failuresAllowed, TimeSource time) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("the server API needs at least one key");
        }
        this.digests = keys.stream().map(ServerApiKeys::digest).toList();
        this.failuresPerAddress = new RateLimiter<>(failuresAllowed, time);
    }

    /** Empty for one of the keys; a refusal otherwise, RATE_LIMITED for an address past its failures. */
    Optional<Refusal> admit(String key, ClientAddress from) {
        Optional<String> address = AccountService.network(from); // an IPv6 address by its /64, as for logins
        Optional<Refusal> tooOften = address.flatMap(failuresPerAddress::check);
        if (tooOften.isPresent()) {
            return tooOften;
        }
        if (key != null && matches(digest(key))) {
            return Optional.empty();
        }
        address.ifPresent(failuresPerAddress::spend);
        return Optional.of(Refusal.apiKeyRefused());
    }

    private boolean matches(byte[] presented) {
        boolean found = false;
        for (byte[] digest : digests) {
            found |= MessageDigest.isEqual(digest, presented);
        }
        return found;
    }

    private static byte[] digest(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
