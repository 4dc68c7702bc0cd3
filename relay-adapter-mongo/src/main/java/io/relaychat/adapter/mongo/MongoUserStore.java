package io.relaychat.adapter.mongo;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.reactivestreams.client.MongoCollection;
import io.relaychat.ports.model.User;
import io.relaychat.ports.model.UserAccount;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.UserStore;
import org.bson.Document;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Collection {@code users}, in the Python app's shape ({@code id, email, username, password, created_at})
 * plus {@code email_lower}, which carries the unique index that makes emails case-insensitive.
 */
final class MongoUserStore implements UserStore {
    static final String COLLECTION = "users";
    static final String EMAIL_INDEX = "users_email_lower_unique";

    private final MongoCollection<Document> users;

    MongoUserStore(MongoCollection<Document> users) {
        this.users = users;
    }

    @Override
    public CompletionStage<Boolean> insertIfEmailFree(UserAccount account) {
        return Reactive.done(users.insertOne(document(account))).handle((ignored, error) -> {
            if (error == null) {
                return true;
            }
            if (MongoFailures.isDuplicateKey(error)) {
                return false;
            }
            throw MongoFailures.rethrow(error);
        });
    }

    @Override
    public CompletionStage<Optional<User>> findById(UserId id) {
        return Reactive.first(users.find(Filters.eq("id", id.value())).first())
                .thenApply(found -> found.map(MongoUserStore::user));
    }

    @Override
    public CompletionStage<Optional<UserAccount>> findAccountByEmail(String email) {
        return Reactive.first(users.find(Filters.eq("email_lower", emailKey(email))).first())
                .thenApply(found -> found.map(document -> new UserAccount(user(document), document.getString("password"))));
    }

    @Override
    public CompletionStage<Optional<User>> findByUsername(String username) {
        return Reactive.first(users.find(Filters.eq("username", username)).sort(Sorts.ascending("created_at", "_id")).first())
                .thenApply(found -> found.map(MongoUserStore::user));
    }

    @Override
    public CompletionStage<List<User>> search(String text, int limit) {
        String literal = Regex.literal(text);
        return Reactive.all(users.find(Filters.or(
                        Filters.regex("username", literal, "i"),
                        Filters.regex("email", literal, "i")))
                .sort(Sorts.ascending("created_at", "_id"))
                .limit(limit))
                .thenApply(found -> found.stream().map(MongoUserStore::user).toList());
    }

    /** An account as this collection keeps it (also what {@link MongoImport} writes). */
    static Document document(UserAccount account) {
        User user = account.user();
        return new Document("id", user.id().value())
                .append("email", user.email())
                .append("email_lower", emailKey(user.email()))
                .append("username", user.username())
                .append("password", account.passwordHash())
                .append("created_at", Documents.date(user.createdAt()));
    }

    static String emailKey(String email) {
        return email.toLowerCase(Locale.ROOT);
    }

    private static User user(Document document) {
        return new User(new UserId(document.getString("id")), document.getString("email"),
                document.getString("username"), Documents.instant(document, "created_at"));
    }
}
