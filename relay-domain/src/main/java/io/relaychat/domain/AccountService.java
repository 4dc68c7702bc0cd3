package io.relaychat.domain;

import io.relaychat.ports.in.AuthenticateUseCase;
import io.relaychat.ports.in.ClientAddress;
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
import io.relaychat.ports.model.VerifiedToken;
import io.relaychat.ports.out.IdSource;
import io.relaychat.ports.out.PasswordHasher;
import io.relaychat.ports.out.RelayMetrics;
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

/**
 * Accounts: registration, login, token authentication and user search. With local accounts off (the identity
 * provider's tokens only), register and login are refused whatever they carry.
 */
final class AccountService implements RegisterUseCase, LoginUseCase, AuthenticateUseCase, SearchUsersUseCase {
    private final UserStore users;
    private final PasswordHasher hasher;
    private final TokenIssuer tokenIssuer;
    private final TokenVerifier tokenVerifier;
    private final TimeSource time;
    private final IdSource ids;
    private final RateLimiter<UserId> searches;
    private final RateLimiter<String> failedLogins;
    private final RelayMetrics metrics;
    private final RateLimiter<String> failedLoginsPerAddress;
    private final RateLimiter<String> registrationsPerAddress;
    private final boolean localAccounts;
    private final FirstSightUsers newcomers;
    /**
     * Checked against when an email is unknown, so that a wrong email costs as much time as a wrong
     * password and response times do not tell which emails are registered. Made on first need.
     */
    private CompletionStage<String> decoyHash;

    AccountService(UserStore users, PasswordHasher hasher, TokenIssuer tokenIssuer, TokenVerifier tokenVerifier,
                   TimeSource time, IdSource ids, Limits.Rates rates, RelayMetrics metrics, boolean localAccounts) {
        this.users = users;
        this.hasher = hasher;
        this.tokenIssuer = tokenIssuer;
        this.tokenVerifier = tokenVerifier;
        this.time = time;
        this.ids = ids;
        this.metrics = metrics;
        this.searches = new RateLimiter<>(rates.searches(), time, () -> metrics.rateLimited(RelayMetrics.Limited.SEARCH));
        this.failedLogins = new RateLimiter<>(rates.logins(), time);
        this.failedLoginsPerAddress = new RateLimiter<>(rates.loginsPerAddress(), time);
        this.registrationsPerAddress = new RateLimiter<>(rates.registrationsPerAddress(), time,
                () -> metrics.rateLimited(RelayMetrics.Limited.REGISTRATION));
        this.localAccounts = localAccounts;
        this.newcomers = new FirstSightUsers(users, time);
    }

    /**
     * Every registration from an address counts, an email already taken too (asking is how emails are probed),
     * before anything is looked up or hashed. An unknown address is not limited here.
     */
    @Override
    public CompletionStage<Outcome<SignedIn>> register(RegisterCommand command) {
        if (!localAccounts) {
            return CompletableFuture.completedFuture(Outcome.rejected(Refusal.localAccountsOff()));
        }
        Optional<Refusal> tooOften = network(command.from()).flatMap(registrationsPerAddress::tryAcquire);
        if (tooOften.isPresent()) {
            return CompletableFuture.completedFuture(Outcome.rejected(tooOften.get()));
        }
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
     * Failed attempts are limited per email and per client address, and once either runs out every attempt it
     * covers is refused before anything is hashed: guessing a password takes ages, a flood against one account
     * slows only that account's logins, and one address guessing across many accounts is slowed as a whole. When
     * both have run out, the refusal names the longer wait. A successful login costs nothing; an attempt the
     * hasher refused (busy) is no failure and costs nothing either. An unknown address is limited per email only.
     * An account of the identity provider's has no password: it is answered as an unknown email is.
     */
    @Override
    public CompletionStage<Outcome<SignedIn>> login(LoginCommand command) {
        if (!localAccounts) {
            return CompletableFuture.completedFuture(Outcome.rejected(Refusal.localAccountsOff()));
        }
        String email = command.email().toLowerCase(Locale.ROOT);
        Optional<String> network = network(command.from());
        Optional<Refusal> tooOften = longerWait(failedLogins.check(email),
                network.flatMap(failedLoginsPerAddress::check));
        if (tooOften.isPresent()) {
            metrics.rateLimited(RelayMetrics.Limited.LOGIN);
            return CompletableFuture.completedFuture(Outcome.rejected(tooOften.get()));
        }
        return users.findAccountByEmail(command.email()).thenCompose(found -> {
            Optional<UserAccount> account = found.filter(UserAccount::hasPassword);
            CompletionStage<String> hash = account.isPresent()
                    ? CompletableFuture.completedFuture(account.get().passwordHash())
                    : decoyHash();
            return hash.thenCompose(h -> hasher.matches(command.password(), h)).thenApply(matches -> {
                if (matches && account.isPresent()) {
                    return Outcome.accepted(signIn(account.get().user()));
                }
                failedLogins.spend(email);
                network.ifPresent(failedLoginsPerAddress::spend);
                return Outcome.<SignedIn>rejected(Refusal.invalidCredentials());
            });
        });
    }

    /**
     * The key an address is limited by: an IPv4 address itself; for IPv6, its /64 network, since one home, phone
     * or host is handed a whole /64 and could otherwise take a fresh address for every attempt.
     */
    static Optional<String> network(ClientAddress from) {
        return from.ip().map(ip -> {
            byte[] bytes = ip.getAddress();
            if (bytes.length != 16) {
                return ip.getHostAddress();
            }
            StringBuilder key = new StringBuilder(20);
            for (int i = 0; i < 8; i += 2) {
                key.append(Integer.toHexString((bytes[i] & 0xff) << 8 | (bytes[i + 1] & 0xff))).append(':');
            }
            return key.append(":/64").toString();
        });
    }

    private static Optional<Refusal> longerWait(Optional<Refusal> one, Optional<Refusal> other) {
        if (one.isEmpty() || other.isEmpty()) {
            return one.isPresent() ? one : other;
        }
        return one.get().retryAfter().compareTo(other.get().retryAfter()) >= 0 ? one : other;
    }

    /**
     * A token of the identity provider's for a user the store does not have yet creates that user from its claims
     * ({@link FirstSightUsers}); one of the server's own for a user who is gone authenticates nobody.
     */
    @Override
    public CompletionStage<Optional<User>> authenticate(String bearerToken) {
        if (bearerToken == null || bearerToken.isBlank()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return tokenVerifier.verify(bearerToken).thenCompose(verified -> verified.isEmpty()
                ? CompletableFuture.completedFuture(Optional.<User>empty())
                : userOf(verified.get()));
    }

    private CompletionStage<Optional<User>> userOf(VerifiedToken token) {
        return users.findById(token.userId()).thenCompose(found -> found.isPresent() || token.profile().isEmpty()
                ? CompletableFuture.completedFuture(found)
                : newcomers.create(token.userId(), token.profile().get()).thenApply(Optional::of));
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

    /**
     * A decoy whose hashing failed (the hasher was busy) is forgotten, so that the next unknown email makes a new
     * one: kept, it would fail every login for an unknown email from then on, and tell those emails apart.
     */
    private synchronized CompletionStage<String> decoyHash() {
        if (decoyHash != null) {
            return decoyHash;
        }
        CompletionStage<String> made = hasher.hash(ids.newId());
        decoyHash = made;
        made.whenComplete((hash, error) -> { // at once, still under this lock, when the hasher refused outright
            if (error != null) {
                forgetDecoy(made);
            }
        });
        return made;
    }

    private synchronized void forgetDecoy(CompletionStage<String> failed) {
        if (decoyHash == failed) {
            decoyHash = null;
        }
    }

    private SignedIn signIn(User user) {
        return new SignedIn(tokenIssuer.issue(user.id()), user);
    }
}
