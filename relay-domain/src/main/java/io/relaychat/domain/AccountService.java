package io.relaychat.domain;

import io.relaychat.ports.in.AuthenticateUseCase;
import io.relaychat.ports.in.LoginCommand;
import io.relaychat.ports.in.LoginUseCase;
import io.relaychat.ports.in.RegisterCommand;
import io.relaychat.ports.in.RegisterUseCase;
import io.relaychat.ports.in.SearchUsersUseCase;
import io.relaychat.ports.in.SignedIn;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.User;
import io.relaychat.ports.model.UserAccount;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.IdSource;
import io.relaychat.ports.out.PasswordHasher;
import io.relaychat.ports.out.TimeSource;
import io.relaychat.ports.out.TokenIssuer;
import io.relaychat.ports.out.TokenVerifier;
import io.relaychat.ports.out.UserStore;

import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Accounts: registration, login, token authentication and user search. */
final class AccountService implements RegisterUseCase, LoginUseCase, AuthenticateUseCase, SearchUsersUseCase {
    private final UserStore users;
    private final PasswordHasher hasher;
    private final TokenIssuer tokenIssuer;
    private final TokenVerifier tokenVerifier;
    private final TimeSource time;
    private final IdSource ids;
    private final RateLimiter<UserId> searches;
    private final RateLimiter<String> failedLogins;
    /**
     * Checked against when an email is unknown, so that a wrong email costs as much time as a wrong
     * password and response times do not tell which emails are registered. Made on first need.
     */
    private CompletionStage<String> decoyHash;

    AccountService(UserStore users, PasswordHasher hasher, TokenIssuer tokenIssuer, TokenVerifier tokenVerifier,
                   TimeSource time, IdSource ids, Limits.Rates rates) {
        this.users = users;
        this.hasher = hasher;
        this.tokenIssuer = tokenIssuer;
        this.tokenVerifier = tokenVerifier;
        this.time = time;
        this.ids = ids;
        this.searches = new RateLimiter<>(rates.searches(), time);
        this.failedLogins = new RateLimiter<>(rates.logins(), time);
    }

    @Override
    public CompletionStage<Outcome<SignedIn>> register(RegisterCommand command) {
        return users.findAccountByEmail(command.email()).thenCompose(existing -> {
            if (existing.isPresent()) {
                return CompletableFuture.completedFuture(Outcome.rejected(Refusal.emailTaken()));
            }
            return hasher.hash(command.password()).thenCompose(hash -> {
                User user = new User(new UserId(ids.newId()), command.email(), command.username(),
                        time.now().truncatedTo(ChronoUnit.MILLIS));
                // The store decides races between two registrations of one email.
                return users.insertIfEmailFree(new UserAccount(user, hash)).thenApply(inserted -> inserted
                        ? Outcome.accepted(signIn(user))
                        : Outcome.<SignedIn>rejected(Refusal.emailTaken()));
            });
        });
    }

    /**
     * Failed attempts for one email are limited, and once they run out every attempt for it is refused before
     * anything is hashed: guessing a password takes ages, and a flood against one account slows only that
     * account's logins. A successful login costs nothing.
     */
    @Override
    public CompletionStage<Outcome<SignedIn>> login(LoginCommand command) {
        String email = command.email().toLowerCase(Locale.ROOT);
        Optional<Refusal> tooOften = failedLogins.check(email);
        if (tooOften.isPresent()) {
            return CompletableFuture.completedFuture(Outcome.rejected(tooOften.get()));
        }
        return users.findAccountByEmail(command.email()).thenCompose(account -> {
            CompletionStage<String> hash = account.isPresent()
                    ? CompletableFuture.completedFuture(account.get().passwordHash())
                    : decoyHash();
            return hash.thenCompose(h -> hasher.matches(command.password(), h)).thenApply(matches -> {
                if (matches && account.isPresent()) {
                    return Outcome.accepted(signIn(account.get().user()));
                }
                failedLogins.spend(email);
                return Outcome.<SignedIn>rejected(Refusal.invalidCredentials());
            });
        });
    }

    @Override
    public CompletionStage<Optional<User>> authenticate(String bearerToken) {
        if (bearerToken == null || bearerToken.isBlank()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        Optional<UserId> userId = tokenVerifier.verify(bearerToken);
        if (userId.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return users.findById(userId.get());
    }

    @Override
    public CompletionStage<Outcome<List<User>>> search(UserId caller, String query) {
        Optional<Refusal> tooOften = searches.tryAcquire(caller);
        if (tooOften.isPresent()) {
            return CompletableFuture.completedFuture(Outcome.rejected(tooOften.get()));
        }
        if (query == null || query.strip().length() < MIN_QUERY_LENGTH) {
            return CompletableFuture.completedFuture(Outcome.accepted(List.of()));
        }
        return users.search(query.strip(), MAX_RESULTS).thenApply(Outcome::accepted);
    }

    private synchronized CompletionStage<String> decoyHash() {
        if (decoyHash == null) {
            decoyHash = hasher.hash(ids.newId());
        }
        return decoyHash;
    }

    private SignedIn signIn(User user) {
        return new SignedIn(tokenIssuer.issue(user.id()), user);
    }
}
