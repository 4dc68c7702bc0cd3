package io.relaychat.adapter.local;

import io.relaychat.ports.model.User;
import io.relaychat.ports.model.UserAccount;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.UserStore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Users in memory, lost on restart. Every operation completes before it returns. */
public final class InMemoryUserStore implements UserStore {
    private final Map<UserId, UserAccount> byId = new LinkedHashMap<>();
    private final Map<String, UserAccount> byEmail = new HashMap<>();

    @Override
    public synchronized CompletionStage<Boolean> insertIfEmailFree(UserAccount account) {
        String key = emailKey(account.user().email());
        if (byEmail.containsKey(key)) {
            return CompletableFuture.completedFuture(false);
        }
        byEmail.put(key, account);
        byId.put(account.user().id(), account);
        return CompletableFuture.completedFuture(true);
    }

    @Override
    public synchronized CompletionStage<Optional<User>> findById(UserId id) {
        return CompletableFuture.completedFuture(Optional.ofNullable(byId.get(id)).map(UserAccount::user));
    }

    @Override
    public synchronized CompletionStage<Optional<UserAccount>> findAccountByEmail(String email) {
        return CompletableFuture.completedFuture(Optional.ofNullable(byEmail.get(emailKey(email))));
    }

    @Override
    public synchronized CompletionStage<Optional<User>> findByUsername(String username) {
        return CompletableFuture.completedFuture(byId.values().stream()
                .map(UserAccount::user)
                .filter(user -> user.username().equals(username))
                .findFirst());
    }

    @Override
    public synchronized CompletionStage<List<User>> search(String text, int limit) {
        String needle = text.toLowerCase(Locale.ROOT);
        List<User> found = new ArrayList<>();
        for (UserAccount account : byId.values()) {
            User user = account.user();
            if (user.username().toLowerCase(Locale.ROOT).contains(needle)
                    || user.email().toLowerCase(Locale.ROOT).contains(needle)) {
                found.add(user);
                if (found.size() == limit) {
                    break;
                }
            }
        }
        return CompletableFuture.completedFuture(found);
    }

    private static String emailKey(String email) {
        return email.toLowerCase(Locale.ROOT);
    }
}
