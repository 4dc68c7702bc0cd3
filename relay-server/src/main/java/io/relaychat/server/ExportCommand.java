package io.relaychat.server;

import ch.qos.logback.classic.Level;
import com.mongodb.ConnectionString;
import io.relaychat.adapter.local.FileSystemBlobStore;
import io.relaychat.adapter.mongo.MongoImport;
import io.relaychat.adapter.mongo.MongoSettings;
import io.relaychat.adapter.mongo.MongoStorage;
import io.relaychat.adapter.sqlite.SqliteExport;
import io.relaychat.ports.model.BlobReader;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.Failures;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.StorageUnavailableException;
import io.relaychat.ports.model.UserAccount;
import io.relaychat.ports.out.BlobSink;
import io.relaychat.ports.out.BlobStore;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * {@code java -jar relay-server.jar export --to MONGODB_URI [--from DIR] [--uploads DIR]}: copies a deployment's
 * SQLite store (users, rooms, messages with their ids, seqs and client ids, each room's seq counter) and its upload
 * folder into MongoDB and GridFS, so that servers on MongoDB serve the same history, accounts and files. It streams
 * one store into the other a page at a time, room by room, holding the data folder's lock for the run (a server on
 * the folder makes it refuse, naming the lock file). Whatever MongoDB has already is left as it is: a second run adds
 * nothing and says "0 new". It prints its progress and a count per kind on standard output, what stops it on
 * standard error; exit 0 once everything is copied, 1 when something stopped it or was refused, 2 for a wrong
 * command line or setting.
 */
final class ExportCommand {
    static final String NAME = "export";
    static final String USAGE = "usage: java -jar relay-server.jar export --to MONGODB_URI [--from DATA_DIR] [--uploads UPLOAD_DIR]";
    /** Page sizes: each page is one read of SQLite and one bulk write to MongoDB, a few MB even at the content limit. */
    static final int USERS_PAGE = 500;
    static final int ROOMS_PAGE = 200;
    static final int MESSAGES_PAGE = 500;
    /** A line of progress every so many messages, so that a long copy shows it is moving. */
    static final long PROGRESS_EVERY = 10_000;
    static final int CONFLICTS_SHOWN = 20;

    private final PrintStream out;
    private final PrintStream err;
    private final Duration wait;
    private final List<String> conflicts = new ArrayList<>();

    private ExportCommand(PrintStream out, PrintStream err, Duration wait) {
        this.out = out;
        this.err = err;
        this.wait = wait;
    }

    /** What the command line says: where to, and where from when it says so (null: the environment's folders). */
    record Arguments(String to, Path from, Path uploads) {
        static Arguments parse(List<String> args) {
            Map<String, String> values = new HashMap<>();
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                String name = arg;
                String value;
                int equals = arg.indexOf('=');
                if (arg.startsWith("--") && equals > 0) {
                    name = arg.substring(0, equals);
                    value = arg.substring(equals + 1);
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw new ConfigException(arg + " needs a value");
                }
                if (!List.of("--to", "--from", "--uploads").contains(name)) {
                    throw new ConfigException("unknown argument: " + arg);
                }
                if (values.put(name, value) != null) {
                    throw new ConfigException(name + " is given twice");
                }
            }
            String to = values.get("--to");
            if (to == null || to.isBlank()) {
                throw new ConfigException("--to MONGODB_URI is required");
            }
            return new Arguments(to, path(values.get("--from")), path(values.get("--uploads")));
        }

        private static Path path(String value) {
            return value == null ? null : Path.of(value);
        }
    }

    /** How many records of one kind were copied, and how many MongoDB had already. */
    private static final class Tally {
        long copied;
        long alreadyThere;

        void add(MongoImport.Written written) {
            copied += written.added();
            alreadyThere += written.alreadyThere();
        }

        @Override
        public String toString() {
            return copied + " copied, " + alreadyThere + " already there";
        }
    }

    /**
     * From {@code main}: logging as RELAY_LOG_FORMAT and RELAY_LOG_LEVEL set it, but warnings only by default, so
     * that the drivers' chatter does not bury the command's own lines; then the run, on this process's environment.
     */
    static int fromCommandLine(List<String> args) {
        Map<String, String> env = System.getenv();
        try {
            LogSettings logging = LogSettings.fromEnvironment(env);
            boolean levelSet = new EnvReader(env).raw(Setting.RELAY_LOG_LEVEL) != null;
            new LogSettings(logging.format(), levelSet ? logging.rootLevel() : Level.WARN, logging.loggerLevels()).apply();
        } catch (ConfigException e) {
            System.err.println("relay-server export: " + e.getMessage());
            return 2;
        }
        return run(args, env, System.out, System.err);
    }

    /** Runs the command: {@code args} are those after {@value #NAME}; {@code env} is read as the server reads it. */
    static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        Arguments arguments;
        ServerConfig config;
        String database;
        try {
            arguments = Arguments.parse(args);
            try {
                database = new ConnectionString(arguments.to()).getDatabase();
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--to is not a MongoDB URI: " + e.getMessage());
            }
            Map<String, String> asServer = new HashMap<>(env);
            asServer.put(Setting.RELAY_STORAGE.variable(), "mongodb");
            asServer.put(Setting.MONGO_URL.variable(), arguments.to());
            if (database != null) {
                asServer.put(Setting.DB_NAME.variable(), database);
            }
            // The folders as a server given them would take them: --from alone means its uploads beside it.
            if (arguments.from() != null) {
                asServer.put(Setting.RELAY_DATA_DIR.variable(), arguments.from().toString());
            }
            if (arguments.uploads() != null) {
                asServer.put(Setting.RELAY_UPLOAD_DIR.variable(), arguments.uploads().toString());
            }
            config = ServerConfig.fromEnvironment(asServer);
        } catch (ConfigException e) {
            err.println("relay-server export: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        Path dataDir = config.dataDir().toAbsolutePath().normalize();
        Path uploadDir = config.uploadDir().toAbsolutePath().normalize();
        MongoSettings mongoSettings;
        try {
            mongoSettings = Storage.mongoSettings(config);
        } catch (ConfigException e) {
            err.println("relay-server export: " + e.getMessage());
            return 2;
        }
        ExportCommand command = new ExportCommand(out, err, config.mongoTimeout().multipliedBy(6));
        try {
            return command.export(dataDir, uploadDir, mongoSettings);
        } catch (IllegalStateException | StorageUnavailableException | UncheckedIOException e) {
            err.println("relay-server export: cannot export: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            err.println("relay-server export: cannot export: " + e);
            return 1;
        }
    }

    private int export(Path dataDir, Path uploadDir, MongoSettings mongoSettings) {
        try (SqliteExport source = SqliteExport.open(dataDir)) {
            if (!Files.isDirectory(uploadDir)) {
                throw new IllegalStateException("there is no upload folder " + uploadDir
                        + " (give the one the server used, RELAY_UPLOAD_DIR, with --uploads)");
            }
            SqliteExport.Counts found = source.counts();
            out.println("export: reading " + source.database() + " (" + found.users() + " users, " + found.rooms()
                    + " rooms, " + found.messages() + " messages) and the uploads in " + uploadDir);
            out.println("export: writing to MongoDB at " + mongoSettings.describeHosts() + ", database "
                    + mongoSettings.database());
            try (MongoStorage target = MongoStorage.open(mongoSettings)) {
                MongoImport into = target.importer();
                Tally users = copyUsers(source, into);
                out.println("users: " + users);
                Tally rooms = new Tally();
                Tally messages = new Tally();
                copyRooms(source, into, rooms, messages);
                out.println("rooms: " + rooms);
                out.println("messages: " + messages);
                Tally uploads = copyUploads(uploadDir, target.blobs());
                out.println("uploads: " + uploads);
                long copied = users.copied + rooms.copied + messages.copied + uploads.copied;
                long alreadyThere = users.alreadyThere + rooms.alreadyThere + messages.alreadyThere + uploads.alreadyThere;
                if (!conflicts.isEmpty()) {
                    err.println("relay-server export: " + conflicts.size() + " record(s) not copied: MongoDB holds "
                            + "different ones under the same unique key (see above); " + copied + " new, "
                            + alreadyThere + " already there");
                    return 1;
                }
                out.println("export done: " + copied + " new, " + alreadyThere + " already there"
                        + (copied == 0 ? " (MongoDB had everything already)" : ""));
                out.println("next: start the servers with MONGO_URL set to this URI and DB_NAME=" + mongoSettings.database()
                        + " (RELAY_STORAGE unset or mongodb); " + dataDir + " is no longer used and may be kept as a backup");
                return 0;
            }
        }
    }

    private Tally copyUsers(SqliteExport source, MongoImport into) {
        Tally tally = new Tally();
        String after = null;
        while (true) {
            List<UserAccount> page = source.users(after, USERS_PAGE);
            if (page.isEmpty()) {
                return tally;
            }
            tally.add(noted(await(into.users(page), "copy users")));
            after = page.get(page.size() - 1).user().id().value();
        }
    }

    /** Each room, then its messages in seq order, then its seq counter: a room is whole before the next one starts. */
    private void copyRooms(SqliteExport source, MongoImport into, Tally rooms, Tally messages) {
        String after = null;
        long nextProgress = PROGRESS_EVERY;
        while (true) {
            List<Room> page = source.rooms(after, ROOMS_PAGE);
            if (page.isEmpty()) {
                return;
            }
            rooms.add(noted(await(into.rooms(page), "copy rooms")));
            for (Room room : page) {
                Tally ofRoom = new Tally();
                long afterSeq = 0;
                while (true) {
                    List<ChatMessage> batch = source.messages(room.id(), afterSeq, MESSAGES_PAGE);
                    if (batch.isEmpty()) {
                        break;
                    }
                    ofRoom.add(noted(await(into.messages(batch), "copy the messages of room " + room.id().value())));
                    afterSeq = batch.get(batch.size() - 1).seq();
                    long done = messages.copied + messages.alreadyThere + ofRoom.copied + ofRoom.alreadyThere;
                    if (done >= nextProgress) {
                        out.println("  ... " + done + " messages");
                        nextProgress = done + PROGRESS_EVERY;
                    }
                }
                long counter = source.lastSeq(room.id());
                if (counter > 0) {
                    await(into.raiseSeqFloor(room.id(), counter), "raise the seq counter of room " + room.id().value());
                }
                messages.copied += ofRoom.copied;
                messages.alreadyThere += ofRoom.alreadyThere;
                if (ofRoom.copied + ofRoom.alreadyThere > 0) {
                    out.println("  room " + room.name() + " (" + room.id().value() + "): " + ofRoom + ", next seq "
                            + (counter + 1));
                }
            }
            after = page.get(page.size() - 1).id().value();
        }
    }

    /** Every file of the upload folder into the target under the same name, unless a file by that name is there. */
    private Tally copyUploads(Path uploadDir, BlobStore target) {
        Tally tally = new Tally();
        try (FileSystemBlobStore source = new FileSystemBlobStore(uploadDir, 1);
             Stream<String> names = source.names()) {
            Iterator<String> each = names.iterator();
            while (each.hasNext()) {
                String name = each.next();
                Optional<BlobReader> there = await(target.open(name), "look for upload " + name);
                if (there.isPresent()) {
                    there.get().close();
                    tally.alreadyThere++;
                    continue;
                }
                Optional<BlobReader> file = await(source.open(name), "read upload " + name);
                if (file.isEmpty()) {
                    continue; // gone since the folder was listed
                }
                try (BlobReader reader = file.get()) {
                    copy(name, reader, await(target.create(name, reader.contentType()), "store upload " + name));
                }
                tally.copied++;
            }
        }
        return tally;
    }

    /** Chunk by chunk, each written before the next is read: one chunk in memory at a time. */
    private void copy(String name, BlobReader reader, BlobSink sink) {
        try {
            while (true) {
                ByteBuffer chunk = await(reader.read(), "read upload " + name);
                if (!chunk.hasRemaining()) {
                    break;
                }
                await(sink.write(chunk), "store upload " + name);
            }
            await(sink.finish(), "store upload " + name);
        } catch (RuntimeException e) {
            sink.abort();
            throw e;
        }
    }

    /** Prints the first {@value #CONFLICTS_SHOWN} conflicts: past them, a target at odds with the source says no more. */
    private MongoImport.Written noted(MongoImport.Written written) {
        for (String conflict : written.conflicts()) {
            if (conflicts.size() < CONFLICTS_SHOWN) {
                err.println("relay-server export: not copied: " + conflict);
            } else if (conflicts.size() == CONFLICTS_SHOWN) {
                err.println("relay-server export: more records not copied; only the first " + CONFLICTS_SHOWN + " are listed");
            }
            conflicts.add(conflict);
        }
        return written;
    }

    /** The stage's value, waited for at most the bound every store call has here; its failure rethrown as it is. */
    private <T> T await(CompletionStage<T> stage, String what) {
        try {
            return stage.toCompletableFuture().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = Failures.cause(e);
            if (cause instanceof RuntimeException runtime && (runtime instanceof StorageUnavailableException
                    || runtime instanceof IllegalStateException)) {
                throw runtime;
            }
            throw new IllegalStateException(what + " failed: " + cause, cause);
        } catch (TimeoutException e) {
            throw new StorageUnavailableException(what + ": no answer within " + wait.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + what, e);
        }
    }
}
