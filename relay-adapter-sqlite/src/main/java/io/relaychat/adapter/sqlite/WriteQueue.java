package io.relaychat.adapter.sqlite;

import io.relaychat.ports.model.DeliveryBatching;
import io.relaychat.ports.model.StorageUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The one thread that writes, and its queue: every write of the store goes through it, so writes never wait for a
 * lock and seqs, dedupe and "add if absent" are simply done in order. It takes what is queued and, unless that
 * fills a batch, what has come {@code maxWait} later, up to {@code maxWrites}, runs them in one transaction with one
 * commit, and only then completes their futures, on this thread, all of a batch's through one
 * {@link DeliveryBatching}, so that the messages they route reach the transport in one hand-off. A write refused by a constraint is undone alone (a savepoint each)
 * and fails alone; any other failure, the commit's included, undoes the batch and fails every write in it with
 * {@link StorageUnavailableException}: none is reported stored, and none is lost silently; the writer then goes on
 * with the next batch, in a transaction of its own. Callers never block: {@link #submit} only queues. While batches
 * fail (a full disk, a folder gone read-only) the writer is in an outage: logged once when it starts, with its cause,
 * and once when a commit succeeds again, and answered by {@link #outage} to readiness.
 */
final class WriteQueue implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WriteQueue.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    /** One write, run on the writer's connection inside the batch's transaction. */
    @FunctionalInterface
    interface Write<T> {
        T apply(Connection connection) throws SQLException;
    }

    /** What must hold before the first commit after failed ones is believed; throws when it does not. */
    @FunctionalInterface
    interface ResumeCheck {
        void check() throws SQLException;
    }

    /** How a batch is made durable: {@link Connection#commit()}; tests put a failing or pausing one in its place. */
    @FunctionalInterface
    interface Committer {
        void commit(Connection connection) throws SQLException;
    }

    /** @param queuedAt {@link System#nanoTime} when it was submitted: its batch's wait is counted from then */
    private record Pending<T>(String what, Write<T> write, CompletableFuture<T> outcome, long queuedAt) {
        Pending(String what, Write<T> write) {
            this(what, write, new CompletableFuture<>(), System.nanoTime());
        }
    }

    /** Queued by {@link #close}: the writer finishes what came before it, then stops. */
    private static final Pending<Void> STOP = new Pending<>("stop", connection -> null);

    private final Connection connection;
    private final Committer committer;
    private final int maxWrites;
    private final long maxWaitNanos;
    private final int maxQueued;
    private final DeliveryBatching deliveries;
    private final LinkedBlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
    private final Object admission = new Object();
    private final Thread thread;
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong committedWrites = new AtomicLong();
    /** Why the latest batch failed, while no commit has succeeded since; null while writes are committed. */
    private volatile StorageUnavailableException outage;
    /** Written by the writer thread only: how long the outage has lasted and what it cost, for its last log line. */
    private long outageStartedNanos;
    private long failedBatches;
    private long failedWrites;
    private volatile boolean closed;
    private Periodic periodic;
    private ResumeCheck resumeCheck;
    /** Prepared on the writer's thread at its first batch. */
    private Savepoints savepoints;

    /** A write the writer runs by itself every so often (expiry), in a transaction of its own. */
    private record Periodic(String what, Write<Boolean> write, long intervalNanos) {
    }

    /**
     * @param maxQueued  writes waiting at most (the batch being written aside); past it a write fails at once; 0: no bound
     * @param deliveries what a batch's completions run through
     */
    WriteQueue(Connection connection, Committer committer, int maxWrites, Duration maxWait, int maxQueued,
               DeliveryBatching deliveries) {
        this.connection = connection;
        this.committer = committer;
        this.maxWrites = maxWrites;
        this.maxWaitNanos = maxWait.toNanos();
        this.maxQueued = maxQueued;
        this.deliveries = deliveries;
        this.thread = new Thread(this::run, "relay-sqlite-writer");
        // A store that is never closed must not keep the JVM alive; SQLite survives being stopped mid-commit.
        thread.setDaemon(true);
    }

    /**
     * Runs {@code write} every {@code interval}, first right away, and again as soon as the next batch is done
     * while it answers true (more to do); set before {@link #start}.
     */
    void every(Duration interval, String what, Write<Boolean> write) {
        this.periodic = new Periodic(what, write, interval.toNanos());
    }

    /**
     * Runs {@code check} before each commit while in an outage: a batch it refuses fails as the ones before it did.
     * A commit may succeed where the next would not (a write that fits in blocks the file already has, on a file
     * system that went read-only and still answers fsync): the outage ends only once the check passes too. Set before
     * {@link #start}.
     */
    void beforeResuming(ResumeCheck check) {
        this.resumeCheck = check;
    }

    void start() {
        thread.start();
    }

    /**
     * Queues the write; its future completes on the writer once the batch holding it is committed, or failed. Fails at
     * once, as storage unavailable, when the store is closed or {@code maxQueued} writes wait already.
     */
    <T> CompletableFuture<T> submit(String what, Write<T> write) {
        Pending<T> pending = new Pending<>(what, write);
        synchronized (admission) {
            if (closed) {
                return CompletableFuture.failedFuture(new StorageUnavailableException("SQLite store is closed: " + what));
            }
            if (maxQueued > 0 && queue.size() >= maxQueued) {
                // The disk is not keeping up (or stalled): refused now, and retried by the sender, rather than held
                // in memory without bound.
                return CompletableFuture.failedFuture(new StorageUnavailableException("SQLite writer is behind: "
                        + maxQueued + " writes wait already; " + what + " refused"));
            }
            queue.add(pending);
        }
        return pending.outcome();
    }

    /** Transactions committed so far. */
    long commits() {
        return commits.get();
    }

    /** Writes committed so far (each in one of {@link #commits}). */
    long committedWrites() {
        return committedWrites.get();
    }

    /**
     * Why writes fail now: the failure of the latest batch, when no commit has succeeded since it; null when the
     * latest batch was committed (or none failed yet).
     */
    StorageUnavailableException outage() {
        return outage;
    }

    private void run() {
        long nextPeriodic = System.nanoTime();
        boolean stopping = false;
        while (!stopping) {
            try {
                // At most one periodic run, then at most one batch: neither can starve the other.
                if (periodic != null && System.nanoTime() - nextPeriodic >= 0) {
                    boolean more = runPeriodic();
                    nextPeriodic = System.nanoTime() + (more ? 0 : periodic.intervalNanos());
                }
                Pending<?> first = periodic == null ? queue.take()
                        : queue.poll(Math.max(0, nextPeriodic - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (first == null) {
                    continue;
                }
                List<Pending<?>> batch = gather(first);
                stopping = batch.remove(STOP);
                if (!batch.isEmpty()) {
                    runBatch(batch);
                }
            } catch (InterruptedException e) {
                // Only close interrupts, and only once it gave up waiting: what is still queued is failed below.
                stopping = true;
            }
        }
        failQueued();
    }

    /** True when the periodic write found more to do than it did (it then runs again after the next batch). */
    private boolean runPeriodic() {
        Pending<Boolean> run = new Pending<>(periodic.what(), periodic.write());
        CompletableFuture<Boolean> outcome = run.outcome();
        runBatch(List.of(run));
        if (outcome.isCompletedExceptionally()) {
            outcome.exceptionally(error -> {
                // A failed commit is the outage's, logged by runBatch; what else fails is this write's own.
                if (!(error instanceof StorageUnavailableException)) {
                    log.warn("SQLite store: {} failed: {}", periodic.what(), error.getMessage());
                }
                return false;
            });
            return false;
        }
        return Boolean.TRUE.equals(outcome.getNow(false));
    }

    /**
     * The batch {@code first} opens: what is queued, and, when that does not fill it, what is queued once
     * {@code maxWait} has passed since {@code first} was submitted. The wait is counted from there, not from when the
     * writer got to it: a write that came while the batch before it was committed has waited already, and waiting
     * the whole time again would add the commit to every tail. The writer sleeps through the wait rather than waking
     * for each write that comes in it: a sender's queueing then wakes no thread.
     */
    private List<Pending<?>> gather(Pending<?> first) {
        List<Pending<?>> batch = new ArrayList<>(Math.min(maxWrites, 64));
        batch.add(first);
        queue.drainTo(batch, maxWrites - 1);
        if (first == STOP || batch.get(batch.size() - 1) == STOP || batch.size() >= maxWrites || maxWaitNanos == 0) {
            return batch;
        }
        long deadline = first.queuedAt() + maxWaitNanos;
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left); // close unparks it early, and so may a spurious wake-up
            if (closed) {
                break;
            }
        }
        queue.drainTo(batch, maxWrites - batch.size());
        return batch;
    }

    private void runBatch(List<Pending<?>> batch) {
        Object[] results = new Object[batch.size()];
        Throwable[] refusals = new Throwable[batch.size()];
        try {
            for (int i = 0; i < batch.size(); i++) {
                Pending<?> pending = batch.get(i);
                savepoints().begin();
                try {
                    results[i] = pending.write().apply(connection);
                    savepoints().release();
                } catch (SQLException e) {
                    if (!SqliteFailures.isConstraint(e)) {
                        throw e;
                    }
                    savepoints().undo();
                    refusals[i] = new IllegalStateException(pending.what() + " refused: " + e.getMessage(), e);
                } catch (RuntimeException e) {
                    savepoints().undo();
                    refusals[i] = e;
                }
            }
            if (outage != null && resumeCheck != null) {
                resumeCheck.check();
            }
            committer.commit(connection);
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            StorageUnavailableException failure = SqliteFailures.unavailable(
                    "a batch of " + batch.size() + " writes was not committed", e);
            failed(batch.size(), failure);
            deliveries.together(() -> batch.forEach(pending -> pending.outcome().completeExceptionally(failure)));
            return;
        }
        committed();
        commits.incrementAndGet();
        committedWrites.addAndGet(batch.size());
        deliveries.together(() -> {
            for (int i = 0; i < batch.size(); i++) {
                complete(batch.get(i), results[i], refusals[i]);
            }
        });
    }

    private Savepoints savepoints() throws SQLException {
        if (savepoints == null) {
            savepoints = new Savepoints(connection);
        }
        return savepoints;
    }

    /**
     * The savepoint each write runs in, as statements prepared once: {@link Connection#setSavepoint()} has SQLite
     * parse a new statement for every write, and its release another.
     */
    private static final class Savepoints {
        private final PreparedStatement begin;
        private final PreparedStatement release;
        private final PreparedStatement rollback;

        Savepoints(Connection connection) throws SQLException {
            this.begin = connection.prepareStatement("SAVEPOINT write");
            this.release = connection.prepareStatement("RELEASE write");
            this.rollback = connection.prepareStatement("ROLLBACK TO write");
        }

        void begin() throws SQLException {
            begin.execute();
        }

        void release() throws SQLException {
            release.execute();
        }

        /** Undoes the write's changes and ends its savepoint, leaving the batch's transaction as it was before it. */
        void undo() throws SQLException {
            rollback.execute();
            release.execute();
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(Pending<T> pending, Object result, Throwable refusal) {
        if (refusal != null) {
            pending.outcome().completeExceptionally(refusal);
        } else {
            pending.outcome().complete((T) result);
        }
    }

    /**
     * Undoes the failed batch and opens the next one's transaction. On a full disk or an I/O error SQLite may have
     * rolled the transaction back itself: then sqlite-jdbc's rollback fails (no transaction is active) and begins no
     * new one, and the next batch would run without a transaction, each write committed alone as its savepoint is
     * released and the batch's commit failing after them: writes stored yet answered as failed, for as long as the
     * store runs. So the transaction is begun here.
     */
    private void rollbackQuietly() {
        try {
            connection.rollback(); // and begins the next transaction
            return;
        } catch (SQLException e) {
            log.debug("SQLite store: rollback after a failed batch: {}", e.getMessage());
        }
        try (Statement sql = connection.createStatement()) {
            sql.execute("BEGIN");
        } catch (SQLException e) {
            // Still in the failed transaction (its rollback failed with it open): undo it, then begin anew.
            try (Statement sql = connection.createStatement()) {
                sql.execute("ROLLBACK");
                sql.execute("BEGIN");
            } catch (SQLException again) {
                log.warn("SQLite store: cannot undo a failed batch: {}; the next batch tries again", again.getMessage());
            }
        }
    }

    /** The writer's side of an outage: logged once as it starts, with its cause; counted until it ends. */
    private void failed(int writes, StorageUnavailableException failure) {
        if (outage == null) {
            outageStartedNanos = System.nanoTime();
            failedBatches = 0;
            failedWrites = 0;
            log.warn("SQLite store cannot write, every write fails as storage unavailable until a commit succeeds: {}",
                    failure.getMessage());
        }
        failedBatches++;
        failedWrites += writes;
        outage = failure;
    }

    private void committed() {
        if (outage != null) {
            outage = null;
            log.info("SQLite store writes again, after {} ms of failed writes: {} batches, {} writes not committed",
                    Duration.ofNanos(System.nanoTime() - outageStartedNanos).toMillis(), failedBatches, failedWrites);
        }
    }

    private void failQueued() {
        List<Pending<?>> left = new ArrayList<>();
        queue.drainTo(left);
        StorageUnavailableException closedFailure = new StorageUnavailableException("SQLite store closed before the write");
        left.forEach(pending -> pending.outcome().completeExceptionally(closedFailure));
    }

    /** Refuses new writes, lets the writer commit what is queued, and waits for it to stop. */
    @Override
    public void close() {
        synchronized (admission) {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(STOP);
        }
        LockSupport.unpark(thread); // a batch waiting for more writes takes what is queued now
        if (!thread.isAlive()) {
            failQueued();
            return;
        }
        try {
            thread.join(CLOSE_WAIT.toMillis());
            if (thread.isAlive()) {
                log.warn("SQLite store: the writer did not finish within {}; failing what is left", CLOSE_WAIT);
                thread.interrupt();
                thread.join(CLOSE_WAIT.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
