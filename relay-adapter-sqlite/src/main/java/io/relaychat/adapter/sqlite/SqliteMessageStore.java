package io.relaychat.adapter.sqlite;

import io.relaychat.ports.model.Appended;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.MessageId;
import io.relaychat.ports.model.NewMessage;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.MessageStore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Table {@code messages}, and {@code room_seqs}, each room's highest seq ever given. An append runs on the one
 * writer: it takes the room's next seq from {@code room_seqs} and inserts, all in the batch's transaction. The
 * insert itself meets a message already stored (same user and client id, or same id), which is only then looked up
 * and answered, so a new message costs no search for an earlier copy. A batch that is not committed takes back its
 * seqs with it, so seqs stay dense and a failed append leaves no hole. With a history TTL, the writer
 * deletes expired messages every minute; {@code room_seqs} keeps their seqs taken, and a client id's dedupe lasts
 * as long as its message.
 */
final class SqliteMessageStore implements MessageStore {
    static final String COLUMNS = "id, room_id, user_id, username, content, timestamp, attachments, seq, client_id";
    /** Messages one expiry transaction deletes at most: a backlog goes in slices, with batches of sends between. */
    static final int EXPIRY_SLICE = 10_000;
    static final Duration EXPIRY_INTERVAL = Duration.ofMinutes(1);

    private final WriteQueue writer;
    private final ReadPool readers;
    /** The writer's statements, prepared once on its connection and used only on its thread. */
    private AppendStatements statements;

    SqliteMessageStore(WriteQueue writer, ReadPool readers) {
        this.writer = writer;
        this.readers = readers;
    }

    private record AppendStatements(PreparedStatement byClientKey, PreparedStatement byId, PreparedStatement lastSeq,
                                    PreparedStatement insert, PreparedStatement raiseSeq) {
        static AppendStatements prepare(Connection connection) throws SQLException {
            return new AppendStatements(
                    connection.prepareStatement("SELECT " + COLUMNS + " FROM messages WHERE user_id = ? AND client_id = ?"),
                    connection.prepareStatement("SELECT " + COLUMNS + " FROM messages WHERE id = ?"),
                    connection.prepareStatement("SELECT last_seq FROM room_seqs WHERE room_id = ?"),
                    connection.prepareStatement("INSERT INTO messages (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                            + " ON CONFLICT DO NOTHING"),
                    connection.prepareStatement("""
                            INSERT INTO room_seqs (room_id, last_seq) VALUES (?, ?)
                            ON CONFLICT (room_id) DO UPDATE SET last_seq = excluded.last_seq"""));
        }
    }

    @Override
    public CompletionStage<Appended> append(NewMessage message) {
        return writer.submit("store a message", connection -> {
            if (statements == null) {
                statements = AppendStatements.prepare(connection);
            }
            statements.lastSeq().setString(1, message.roomId().value());
            long last;
            try (ResultSet row = statements.lastSeq().executeQuery()) {
                last = row.next() ? row.getLong(1) : 0;
            }
            ChatMessage stored = message.withSeq(last + 1);
            PreparedStatement insert = statements.insert();
            insert.setString(1, stored.id().value());
            insert.setString(2, stored.roomId().value());
            insert.setString(3, stored.userId().value());
            insert.setString(4, stored.username());
            insert.setString(5, stored.content());
            insert.setLong(6, Rows.millis(stored.timestamp()));
            insert.setString(7, Rows.json(stored.attachments()));
            insert.setLong(8, stored.seq());
            insert.setString(9, stored.clientId());
            if (insert.executeUpdate() == 0) {
                return new Appended(earlier(message, stored.seq()), true);
            }
            statements.raiseSeq().setString(1, stored.roomId().value());
            statements.raiseSeq().setLong(2, stored.seq());
            statements.raiseSeq().executeUpdate();
            return new Appended(stored, false);
        });
    }

    /**
     * The stored message a refused insert met: the same user's with the same client id, else the one with the same
     * id. Neither would mean the room's seq was taken by a message {@code room_seqs} does not know of.
     */
    private ChatMessage earlier(NewMessage message, long seq) throws SQLException {
        Optional<ChatMessage> earlier = Optional.empty();
        if (message.clientId() != null) {
            statements.byClientKey().setString(1, message.userId().value());
            statements.byClientKey().setString(2, message.clientId());
            earlier = first(statements.byClientKey());
        }
        if (earlier.isEmpty()) {
            statements.byId().setString(1, message.id().value());
            earlier = first(statements.byId());
        }
        return earlier.orElseThrow(() -> new IllegalStateException("seq " + seq + " of room "
                + message.roomId().value() + " is held by a message room_seqs does not count"));
    }

    @Override
    public CompletionStage<List<ChatMessage>> history(RoomId roomId, int limit, Instant before, Long beforeSeq) {
        return readers.submit("read history", connection -> {
            StringBuilder query = new StringBuilder("SELECT " + COLUMNS + " FROM messages WHERE room_id = ?");
            if (beforeSeq != null) {
                query.append(" AND seq < ?");
            }
            if (before != null) {
                query.append(" AND timestamp < ?");
            }
            query.append(" ORDER BY seq DESC LIMIT ?");
            try (PreparedStatement find = connection.prepareStatement(query.toString())) {
                int i = 1;
                find.setString(i++, roomId.value());
                if (beforeSeq != null) {
                    find.setLong(i++, beforeSeq);
                }
                if (before != null) {
                    find.setLong(i++, Rows.millis(before));
                }
                find.setInt(i, limit);
                List<ChatMessage> page = all(find);
                Collections.reverse(page);
                return page;
            }
        });
    }

    @Override
    public CompletionStage<List<ChatMessage>> since(RoomId roomId, long afterSeq, int limit) {
        return readers.submit("read messages since a seq", connection -> {
            try (PreparedStatement find = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM messages WHERE room_id = ? AND seq > ? ORDER BY seq LIMIT ?")) {
                find.setString(1, roomId.value());
                find.setLong(2, afterSeq);
                find.setInt(3, limit);
                return all(find);
            }
        });
    }

    /**
     * The expiry the writer runs every {@link #EXPIRY_INTERVAL}: deletes up to {@link #EXPIRY_SLICE} messages older
     * than the TTL; true when there may be more.
     */
    static WriteQueue.Write<Boolean> expiry(Duration ttl, Clock clock) {
        return connection -> {
            try (PreparedStatement delete = connection.prepareStatement("""
                    DELETE FROM messages WHERE rowid IN
                      (SELECT rowid FROM messages WHERE timestamp < ? ORDER BY timestamp LIMIT ?)""")) {
                delete.setLong(1, Rows.millis(clock.instant().minus(ttl)));
                delete.setInt(2, EXPIRY_SLICE);
                return delete.executeUpdate() == EXPIRY_SLICE;
            }
        };
    }

    private static Optional<ChatMessage> first(PreparedStatement find) throws SQLException {
        try (ResultSet row = find.executeQuery()) {
            return row.next() ? Optional.of(message(row)) : Optional.empty();
        }
    }

    private static List<ChatMessage> all(PreparedStatement find) throws SQLException {
        List<ChatMessage> found = new ArrayList<>();
        try (ResultSet row = find.executeQuery()) {
            while (row.next()) {
                found.add(message(row));
            }
        }
        return found;
    }

    /** A row of {@link #COLUMNS} as the message it holds. */
    static ChatMessage message(ResultSet row) throws SQLException {
        return new ChatMessage(new MessageId(row.getString("id")), new RoomId(row.getString("room_id")),
                new UserId(row.getString("user_id")), row.getString("username"), row.getString("content"),
                Rows.instant(row.getLong("timestamp")), Rows.strings(row.getString("attachments")), row.getLong("seq"),
                row.getString("client_id"));
    }
}
