package io.relaychat.domain;

import io.relaychat.ports.in.RegisterCommand;
import io.relaychat.ports.model.User;
import io.relaychat.ports.model.UserAccount;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.model.VerifiedToken;
import io.relaychat.ports.out.TimeSource;
import io.relaychat.ports.out.UserStore;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Creates the user an identity provider's token names, the first time the server sees them: in the user store like
 * anyone registered, so rooms, membership and history work for them alike. The claims are the provider's users'
 * own words, so none is taken on trust:
 * <ul>
 * <li>a username someone else already has gets a suffix from the new user's id, so that nobody appears under
 * another's name and login never fails for a name;</li>
 * <li>an email that is invalid, missing, or another account's is replaced by a placeholder no mail reaches: an
 * account is never joined to another by its email, since whoever chose that claim would then hold the account;</li>
 * <li>the account has no password, so it can never sign in by password.</li>
 * </ul>
 * What is stored at first sight stays: later tokens with other claims change nothing.
 */
final class FirstSightUsers {
    static final String FALLBACK_USERNAME = "user";
    /** Reserved for names that resolve nowhere (RFC 2606), so a placeholder can never reach anyone's mailbox. */
    static final String PLACEHOLDER_EMAIL_DOMAIN = "users.invalid";

    private final UserStore users;
    private final TimeSource time;

    FirstSightUsers(UserStore users, TimeSource time) {
        this.users = users;
        this.time = time;
    }

    CompletionStage<User> create(UserId id, VerifiedToken.Profile profile) {
        String email = profile.email().map(String::strip).filter(RegisterCommand::isValidEmail)
                .orElseGet(() -> placeholderEmail(id));
        return freeUsername(id, candidates(wantedUsername(profile), id), 0)
                .thenCompose(username -> insert(new User(id, email, username,
                        time.now().truncatedTo(ChronoUnit.MILLIS)), false));
    }

    /**
     * Two first requests of one user may race: the loser finds the winner's account by id. Otherwise the email was
     * another account's, and the user is stored with the placeholder instead.
     */
    private CompletionStage<User> insert(User user, boolean withPlaceholder) {
        return users.insertIfEmailFree(UserAccount.withoutPassword(user)).thenCompose(inserted -> {
            if (inserted) {
                return CompletableFuture.completedFuture(user);
            }
            return users.findById(user.id()).thenCompose(found -> {
                if (found.isPresent()) {
                    return CompletableFuture.completedFuture(found.get());
                }
                if (withPlaceholder) {
                    return CompletableFuture.<User>failedFuture(new IllegalStateException(
                            "the placeholder email of user " + user.id() + " is taken by another account"));
                }
                return insert(new User(user.id(), placeholderEmail(user.id()), user.username(), user.createdAt()), true);
            });
        });
    }

    /** The first candidate nobody else has; the last one, 48 bits of the id's hash, is taken whatever the store says. */
    private CompletionStage<String> freeUsername(UserId id, List<String> candidates, int index) {
        String candidate = candidates.get(index);
        if (index == candidates.size() - 1) {
            return CompletableFuture.completedFuture(candidate);
        }
        return users.findByUsername(candidate).thenCompose(holder -> holder.isEmpty() || holder.get().id().equals(id)
                ? CompletableFuture.completedFuture(candidate)
                : freeUsername(id, candidates, index + 1));
    }

    static String wantedUsername(VerifiedToken.Profile profile) {
        return profile.username().map(FirstSightUsers::clean).filter(name -> !name.isEmpty())
                .or(() -> profile.email().map(email -> email.substring(0, Math.max(0, email.indexOf('@'))))
                        .map(FirstSightUsers::clean).filter(name -> !name.isEmpty()))
                .orElse(FALLBACK_USERNAME);
    }

    static List<String> candidates(String wanted, UserId id) {
        String hash = hash(id);
        return List.of(wanted, suffixed(wanted, hash.substring(0, 6)), suffixed(wanted, hash.substring(0, 12)));
    }

    /** The rule register holds a username to: no invisible or control characters, at most 64 code points. */
    private static String clean(String claimed) {
        StringBuilder kept = new StringBuilder();
        claimed.strip().codePoints().filter(c -> !RegisterCommand.isInvisibleOrControl(c)).forEach(kept::appendCodePoint);
        return truncated(kept.toString().strip(), RegisterCommand.MAX_USERNAME_LENGTH);
    }

    private static String suffixed(String name, String suffix) {
        return truncated(name, RegisterCommand.MAX_USERNAME_LENGTH - suffix.length() - 1) + "-" + suffix;
    }

    private static String truncated(String text, int codePoints) {
        return text.codePointCount(0, text.length()) <= codePoints ? text
                : text.substring(0, text.offsetByCodePoints(0, codePoints));
    }

    static String placeholderEmail(UserId id) {
        return "u" + hash(id).substring(0, 16) + "@" + PLACEHOLDER_EMAIL_DOMAIN;
    }

    private static String hash(UserId id) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.value().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
