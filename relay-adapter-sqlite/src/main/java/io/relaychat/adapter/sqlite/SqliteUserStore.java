package io.relaychat.adapter.sqlite;

import io.relaychat.ports.model.User;
import io.relaychat.ports.model.UserAccount;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.UserStore;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Table {@code users}. {@code email_lower} carries the unique index that makes emails case-insensitive (lower-cased
 * in Java, by the same rule as the other stores, not by SQLite's ASCII-only {@code lower}); {@code username_lower}
 * is what search looks in. Search is {@code instr}, a literal substring test: no LIKE, so no wildcard to escape.
 */
final class SqliteUserStore implements UserStore {
    static final String COLUMNS = "id, email, username, created_at";

    private final WriteQueue writer;
    private final ReadPool readers;

    SqliteUserStore(WriteQueue writer, ReadPool readers) {
        this.writer = writer;
        this.readers = readers;
    }

    @Override
    public CompletionStage<Boolean> insertIfEmailFree(UserAccount account) {
        User user = account.user();
        return writer.submit("register a user", connection -> {
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO users (id, email, email_lower, username, username_lower, password, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (email_lower) DO NOTHING""")) {
                insert.setString(1, user.id().value());
                insert.setString(2, user.email());
                insert.setString(3, lower(user.email()));
                insert.setString(4, user.username());
                insert.setString(5, lower(user.username()));
                insert.setString(6, account.passwordHash());
                insert.setLong(7, Rows.millis(user.createdAt()));
                return insert.executeUpdate() == 1;
            }
        });
    }

    @Override
    public CompletionStage<Optional<User>> findById(UserId id) {
        return readers.submit("find a user", connection -> {
            try (PreparedStatement find = connection.prepareStatement("SELECT " + COLUMNS + " FROM users WHERE id = ?")) {
                find.setString(1, id.value());
                return first(find);
            }
        });
    }

    @Override
    public CompletionStage<Optional<UserAccount>> findAccountByEmail(String email) {
        return readers.submit("find an account", connection -> {
            try (PreparedStatement find = connection.prepareStatement(
                    "SELECT " + COLUMNS + ", password FROM users WHERE email_lower = ?")) {
                find.setString(1, lower(email));
                try (ResultSet row = find.executeQuery()) {
                    return row.next() ? Optional.of(new UserAccount(user(row), row.getString("password"))) : Optional.empty();
                }
            }
        });
    }

    @Override
    public CompletionStage<Optional<User>> findByUsername(String username) {
        return readers.submit("find a user by name", connection -> {
            try (PreparedStatement find = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM users WHERE username = ? ORDER BY created_at, rowid LIMIT 1")) {
                find.setString(1, username);
                return first(find);
            }
        });
    }

    @Override
    public CompletionStage<List<User>> search(String text, int limit) {
        String needle = lower(text);
        return readers.submit("search users", connection -> {
            try (PreparedStatement find = connection.prepareStatement("SELECT " + COLUMNS + " " + """
                     FROM users WHERE instr(username_lower, ?1) > 0 OR instr(email_lower, ?1) > 0
                     ORDER BY created_at, rowid LIMIT ?2""")) {
                find.setString(1, needle);
                find.setInt(2, limit);
                List<User> found = new ArrayList<>();
                try (ResultSet row = find.executeQuery()) {
                    while (row.next()) {
                        found.add(user(row));
                    }
                }
                return found;
            }
        });
    }

    private static Optional<User> first(PreparedStatement find) throws SQLException {
        try (ResultSet row = find.executeQuery()) {
            return row.next() ? Optional.of(user(row)) : Optional.empty();
        }
    }

    /** A row of {@link #COLUMNS} as the user it holds. */
    static User user(ResultSet row) throws SQLException {
        return new User(new UserId(row.getString("id")), row.getString("email"), row.getString("username"),
                Rows.instant(row.getLong("created_at")));
    }

    private static String lower(String text) {
        return text.toLowerCase(Locale.ROOT);
    }
}
