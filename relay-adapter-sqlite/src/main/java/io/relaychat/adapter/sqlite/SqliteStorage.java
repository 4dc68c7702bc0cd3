package io.relaychat.adapter.sqlite;

import io.relaychat.ports.model.StorageUnavailableException;
import io.relaychat.ports.out.DependencyProbe;
import io.relaychat.ports.out.MessageStore;
import io.relaychat.ports.out.RoomStore;
import io.relaychat.ports.out.UserStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The users, rooms and messages of one node in one SQLite database, {@value #DATABASE_FILE} in the data folder:
 * opening it takes the folder's lock, creates or migrates the schema, and starts the one writer thread and the
 * readers. The database is in WAL mode with {@code synchronous=FULL}: a commit returns once the log is on disk, so
 * whatever a store confirmed survives the process, the machine or its power going; a power cut costs only writes not
 * yet confirmed (their senders were told nothing, and retry). The group commit is what makes FULL affordable: one
 * fsync per batch, not per message. The log is copied back into the database by a {@link Checkpointer} of its own,
 * never by the writer. Blobs are not here: uploads stay files beside it.
 */
public final class SqliteStorage implements AutoCloseable {
    static final String DATABASE_FILE = "relay.db";
    /** SQLite's result code for an I/O error, which a folder that cannot take a file is. */
    private static final int SQLITE_IOERR = 10;
    private static final Logger log = LoggerFactory.getLogger(SqliteStorage.class);

    private final SqliteSettings settings;
    private final DirectoryLock lock;
    private final Connection writerConnection;
    private final WriteQueue writer;
    private final ReadPool readers;
    private final SqliteUserStore users;
    private final SqliteRoomStore rooms;
    private final SqliteMessageStore messages;
    private final SqliteProbe probe;
    private final Checkpointer checkpointer;
    private final int foundVersion;

    private SqliteStorage(SqliteSettings settings, DirectoryLock lock, Connection writerConnection, int foundVersion,
                          WriteQueue.Committer committer, Connection checkpoints) {
        this.settings = settings;
        this.lock = lock;
        this.writerConnection = writerConnection;
        this.foundVersion = foundVersion;
        this.writer = new WriteQueue(writerConnection, committer, settings.maxBatchWrites(), settings.maxBatchWait(),
                settings.maxQueuedWrites(), settings.deliveries());
        writer.beforeResuming(() -> {
            String refused = refusedNewFile(settings.directory());
            if (refused != null) {
                throw new SQLException("[SQLITE_IOERR] the data folder cannot take a new file: " + refused, "HY000",
                        SQLITE_IOERR);
            }
        });
        this.readers = new ReadPool(settings.readers(), () -> connect(databaseFile(settings), true));
        this.users = new SqliteUserStore(writer, readers);
        this.rooms = new SqliteRoomStore(writer, readers);
        this.messages = new SqliteMessageStore(writer, readers);
        this.probe = new SqliteProbe(settings.directory(), writer, readers);
        if (settings.historyTtl() != null) {
            writer.every(SqliteMessageStore.EXPIRY_INTERVAL, "expire old messages",
                    SqliteMessageStore.expiry(settings.historyTtl(), settings.clock()));
        }
        writer.start();
        this.checkpointer = new Checkpointer(checkpoints, Checkpointer.DEFAULT_INTERVAL);
    }

    /**
     * Opens (creating when missing) the database in the settings' folder. Blocks the caller (the server's start-up)
     * for the schema's creation or migration. Fails at once when another store holds the folder (naming its lock
     * file), and when the database was written by a newer release.
     */
    public static SqliteStorage open(SqliteSettings settings) {
        return open(settings, Connection::commit);
    }

    /** As {@link #open(SqliteSettings)}, with the writer committing through {@code committer}: for tests of failure. */
    static SqliteStorage open(SqliteSettings settings, WriteQueue.Committer committer) {
        try {
            Files.createDirectories(settings.directory());
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the data folder " + settings.directory() + ": " + e.getMessage(), e);
        }
        checkWritable(settings.directory());
        DirectoryLock lock = DirectoryLock.acquire(settings.directory());
        Connection connection = null;
        Connection checkpoints = null;
        try {
            Path file = databaseFile(settings);
            connection = connect(file, false);
            int found = Schema.migrate(connection, file.toString());
            try (Statement sql = connection.createStatement()) {
                sql.execute("PRAGMA wal_autocheckpoint = 0"); // the Checkpointer's job, off the writer's thread
            }
            connection.setAutoCommit(false);
            checkpoints = connect(file, false);
            return new SqliteStorage(settings, lock, connection, found, committer, checkpoints);
        } catch (SQLException e) {
            closeQuietly(connection);
            closeQuietly(checkpoints);
            lock.close();
            throw new StorageUnavailableException("cannot open the SQLite database in " + settings.directory() + ": "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(connection);
            closeQuietly(checkpoints);
            lock.close();
            throw e;
        }
    }

    /**
     * A folder that cannot be written (a read-only mount stops even root) stops the open, naming the folder: SQLite
     * itself would open a file it cannot write read-only, without a word, and every write would fail later.
     */
    private static void checkWritable(Path directory) {
        String refused = refusedNewFile(directory);
        if (refused != null) {
            throw new IllegalStateException("the data folder " + directory + " cannot be written: " + refused);
        }
    }

    /**
     * Whether {@code directory} takes a new file now (one made and deleted): null if it does, else why not, naming no
     * folder. A file system ext4 turned read-only after a disk error refuses it, while writes into blocks the open
     * database already has still appear to succeed, fsync included.
     */
    private static String refusedNewFile(Path directory) {
        try {
            Files.delete(Files.createTempFile(directory, ".relay-write-check-", ".tmp"));
            return null;
        } catch (IOException e) {
            return e instanceof FileSystemException failed && failed.getReason() != null ? failed.getReason()
                    : e.getClass().getSimpleName();
        }
    }

    static Path databaseFile(SqliteSettings settings) {
        return settings.directory().resolve(DATABASE_FILE);
    }

    /**
     * A connection to the file. WAL lets readers read while the writer writes; FULL makes every commit durable; a
     * reader is query-only, so a slip in a read can never write; the busy timeout covers the moments a reader
     * waits on the log's recovery or a checkpoint.
     */
    private static Connection connect(Path file, boolean reader) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(5_000);
        // No statement asks for the keys an insert made; asked for, sqlite-jdbc runs a query after every insert.
        config.setGetGeneratedKeys(false);
        Connection connection = config.createConnection("jdbc:sqlite:" + file);
        if (reader) {
            try (Statement sql = connection.createStatement()) {
                sql.execute("PRAGMA query_only = true");
            }
        }
        return connection;
    }

    public UserStore users() {
        return users;
    }

    public RoomStore rooms() {
        return rooms;
    }

    public MessageStore messages() {
        return messages;
    }

    /** Readiness's question: whether the store can take writes now (see {@link SqliteProbe}). */
    public DependencyProbe probe() {
        return probe;
    }

    /** The schema version the database was at before this open (0: it was created now). */
    int foundVersion() {
        return foundVersion;
    }

    WriteQueue writer() {
        return writer;
    }

    /** For logs: the file, its durability, the batch bounds and the history kept. */
    public String describe() {
        return "SQLite at " + databaseFile(settings) + " (WAL, synchronous=FULL), batches of at most "
                + settings.maxBatchWrites() + " writes or " + settings.maxBatchWait().toMillis() + " ms, "
                + (settings.maxQueuedWrites() == 0 ? "no bound on writes waiting" : "at most " + settings.maxQueuedWrites()
                        + " writes waiting") + ", "
                + settings.readers() + " readers, "
                + (settings.historyTtl() == null ? "history kept forever"
                        : "messages deleted " + settings.historyTtl().toDays() + " days after their timestamp");
    }

    /** Commits what is queued, stops the threads, closes the connections and releases the folder. */
    @Override
    public void close() {
        writer.close();
        checkpointer.close();
        readers.close();
        closeQuietly(writerConnection);
        lock.close();
        log.debug("closed SQLite store in {}", settings.directory());
    }

    static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing anyway
        }
    }
}
