package io.relaychat.adapter.sqlite;

import io.relaychat.ports.model.StorageUnavailableException;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that read, each with a connection of its own that it alone uses: in WAL mode they read the last
 * committed state while the writer writes, and never wait for it. A read's future completes on the reader thread.
 */
final class ReadPool implements AutoCloseable {
    /** Opens a reader's connection. */
    @FunctionalInterface
    interface Opener {
        Connection open() throws SQLException;
    }

    /** One read, on the calling reader's connection. */
    @FunctionalInterface
    interface Read<T> {
        T apply(Connection connection) throws SQLException;
    }

    private final Opener opener;
    private final ThreadPoolExecutor executor;
    private final List<Connection> opened = new ArrayList<>();

    ReadPool(int threads, Opener opener) {
        this.opener = opener;
        AtomicInteger count = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                task -> {
                    Thread thread = new ReaderThread(task, "relay-sqlite-reader-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    <T> CompletableFuture<T> submit(String what, Read<T> read) {
        CompletableFuture<T> outcome = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    outcome.complete(read.apply(((ReaderThread) Thread.currentThread()).connection()));
                } catch (SQLException e) {
                    outcome.completeExceptionally(SqliteFailures.unavailable(what, e));
                } catch (RuntimeException e) {
                    outcome.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            outcome.completeExceptionally(new StorageUnavailableException("SQLite store is closed: " + what));
        }
        return outcome;
    }

    /** A reader and its connection, opened on its first read and closed when the pool stops it. */
    private final class ReaderThread extends Thread {
        private Connection connection;

        ReaderThread(Runnable task, String name) {
            super(task, name);
        }

        Connection connection() throws SQLException {
            if (connection == null) {
                connection = opener.open();
                synchronized (opened) {
                    opened.add(connection);
                }
            }
            return connection;
        }
    }

    /** Lets queued reads finish, then closes every reader's connection. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (opened) {
            for (Connection connection : opened) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // closing anyway
                }
            }
            opened.clear();
        }
    }
}
