package io.relaychat.adapter.sqlite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Makes one store the only owner of a data folder: an exclusive lock on {@value #LOCK_FILE} beside the database, held
 * while the store is open. SQLite would let two processes share the file, but two servers on one folder would each
 * deliver only their own messages live and race for nothing else: better refused at start-up. The operating system
 * drops the lock when the process dies, however it dies, so a crash never leaves the folder locked.
 */
final class DirectoryLock implements AutoCloseable {
    static final String LOCK_FILE = "relay.lock";

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the folder's lock at once, or fails saying which lock file another store holds. */
    static DirectoryLock acquire(Path directory) {
        Path file = directory.resolve(LOCK_FILE);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the lock file " + file + ": " + e.getMessage(), e);
        }
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw held(file, "another process");
            }
            // For whoever finds the folder in use: which process holds it.
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
            return new DirectoryLock(file, channel, lock);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw held(file, "another store in this process");
        } catch (IOException e) {
            closeQuietly(channel);
            throw new IllegalStateException("cannot lock " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static IllegalStateException held(Path file, String who) {
        return new IllegalStateException("the data folder " + file.getParent() + " is in use by " + who
                + " (it holds the lock file " + file + "); one server per data folder");
    }

    Path file() {
        return file;
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel below releases it too
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more to release
        }
    }
}
