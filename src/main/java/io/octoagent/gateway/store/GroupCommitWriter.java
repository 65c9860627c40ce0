package io.octoagent.gateway.store;

import io.quarkus.logging.Log;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The store's single writer: one thread, one writable connection, group commit.
 *
 * <p>It drains every queued operation into one explicit transaction ({@code BEGIN IMMEDIATE} …
 * {@code COMMIT}) and commits once, so concurrent writers share one fsync; each caller's future
 * completes only after the commit made its rows durable. Operations run one after the other
 * with no savepoint between them while they succeed (a savepoint pair per operation cost as
 * much as the operations' own statements). When one fails, the transaction is rolled back and
 * the batch runs again with that operation and the ones after it each under its own savepoint,
 * so a failing operation still fails alone and the others commit. Operations may therefore run
 * more than once; only the run that commits counts, and only its after-commit actions run.
 * Statements are prepared once per connection ({@link CachingSqliteConnection}).
 *
 * <p>A failed commit never wedges it. SQLite may roll the whole transaction back by itself (disk
 * full, I/O error); the batch is then failed as a whole, the connection is replaced by a fresh
 * one, and the next batch starts clean. Every batch also stamps a sequence number in
 * {@code store_commits}: after a failed {@code COMMIT} the stamp is read back on the fresh
 * connection, so a caller is told of a failure only when its write really is not in the file.
 * While commits fail, an empty batch probes the store every {@code probeInterval}, so health
 * comes back as soon as the cause is gone, even with no traffic.
 */
final class GroupCommitWriter {

    /** Opens a new writable connection (autocommit on: the writer issues BEGIN and COMMIT itself). */
    @FunctionalInterface
    interface ConnectionSource {
        Connection open() throws SQLException;
    }

    private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final ConnectionSource source;
    private final int maxBatch;
    private final List<CommitListener> listeners;
    private final long probeIntervalNanos;
    private final BlockingQueue<PendingWrite<?>> queue = new LinkedBlockingQueue<>();

    private volatile boolean open;
    private volatile String failure;
    private Connection connection;
    private long committedSeq;
    private long lastAttemptNanos;
    private Thread thread;

    GroupCommitWriter(ConnectionSource source, int maxBatch, List<CommitListener> listeners, Duration probeInterval) {
        this.source = source;
        this.maxBatch = Math.max(1, maxBatch);
        this.listeners = List.copyOf(listeners);
        this.probeIntervalNanos = probeInterval.toNanos();
    }

    /** Opens the connection, reads the last batch stamp and starts the writer thread. */
    void start() throws SQLException {
        connection = source.open();
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS store_commits ("
                    + "id INTEGER PRIMARY KEY CHECK (id = 1), batch_seq INTEGER NOT NULL)");
            statement.execute("INSERT OR IGNORE INTO store_commits (id, batch_seq) VALUES (1, 0)");
        }
        committedSeq = readStamp(connection);
        open = true;
        thread = new Thread(this::loop, "octoagent-store-writer");
        thread.setDaemon(true);
        thread.start();
    }

    boolean isOpen() {
        return open;
    }

    /** Why the last commit attempt failed, or null while commits succeed. */
    String failure() {
        return failure;
    }

    <T> CompletableFuture<T> submit(WriteOperation<T> operation) {
        CompletableFuture<T> future = new CompletableFuture<>();
        if (!open) {
            future.completeExceptionally(new StoreUnavailableException("the store is closed"));
            return future;
        }
        queue.add(new PendingWrite<>(operation, future));
        return future;
    }

    /** Stops taking writes, commits what is queued, and closes the connection. */
    void close() {
        if (!open) {
            return;
        }
        open = false;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(connection);
        connection = null;
    }

    private void loop() {
        List<PendingWrite<?>> batch = new ArrayList<>();
        while (open || !queue.isEmpty()) {
            try {
                long waitNanos = failure == null ? IDLE_POLL_NANOS : Math.min(IDLE_POLL_NANOS, probeIntervalNanos);
                PendingWrite<?> first = queue.poll(waitNanos, TimeUnit.NANOSECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, maxBatch - 1);
                    commitBatch(batch);
                } else if (failure != null && open && System.nanoTime() - lastAttemptNanos >= probeIntervalNanos) {
                    commitBatch(batch); // empty: only the stamp, to learn whether commits work again
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                Log.error("Store writer failed a batch", e);
                batch.forEach(write -> write.fail(new StoreUnavailableException("write failed: " + e.getMessage(), e)));
            } finally {
                batch.clear();
            }
        }
    }

    private void commitBatch(List<PendingWrite<?>> batch) {
        long start = System.nanoTime();
        lastAttemptNanos = start;
        long seq = committedSeq + 1;
        try {
            Connection c = connection();
            runBatch(c, seq, batch);
            if (!batch.isEmpty() && batch.stream().noneMatch(PendingWrite::succeeded)) {
                // Nothing to make durable: no fsync for a batch of refusals.
                rollback(c);
                batch.forEach(PendingWrite::complete);
                return;
            }
            commit(c);
        } catch (SQLException e) {
            if (!committedAfterAll(seq)) {
                markFailed(e);
                StoreUnavailableException failed = new StoreUnavailableException("commit failed: " + e.getMessage(), e);
                batch.forEach(write -> write.fail(failed));
                return;
            }
            Log.warnf("A commit reported %s but its batch is in the store; treating it as committed", e.getMessage());
        }
        committedSeq = seq;
        if (failure != null) {
            Log.infof("Store commits work again (last failure: %s)", failure);
            failure = null;
        }
        long nanos = System.nanoTime() - start;
        // Listeners (metrics) and live subscribers hear of the commit before any caller goes on.
        for (CommitListener listener : listeners) {
            listener.committed(batch.size(), nanos);
        }
        for (PendingWrite<?> write : batch) {
            write.publish();
        }
        for (PendingWrite<?> write : batch) {
            write.complete();
        }
    }

    /**
     * Runs the batch in one open transaction, leaving it ready to commit. Operations from
     * {@code guardedFrom} on run under their own savepoint; when an unguarded one fails, the
     * transaction is rolled back and the batch runs again guarded from that operation on.
     */
    private void runBatch(Connection c, long seq, List<PendingWrite<?>> batch) throws SQLException {
        int guardedFrom = batch.size();
        while (true) {
            begin(c, seq);
            int failed = runFrom(c, batch, guardedFrom);
            if (failed < 0) {
                return;
            }
            rollback(c);
            guardedFrom = failed;
        }
    }

    /** Runs every operation; the index of the first unguarded one that failed, or -1. */
    private int runFrom(Connection c, List<PendingWrite<?>> batch, int guardedFrom) throws SQLException {
        for (int i = 0; i < batch.size(); i++) {
            PendingWrite<?> write = batch.get(i);
            if (i < guardedFrom) {
                if (!write.runIn(c)) {
                    return i;
                }
            } else {
                savepoint(c);
                if (!write.runIn(c)) {
                    rollbackToSavepoint(c);
                }
                releaseSavepoint(c);
            }
        }
        return -1;
    }

    // The writer's own statements, one method each so that a profile names them.

    private static void begin(Connection c, long seq) throws SQLException {
        execute(c, "BEGIN IMMEDIATE");
        try (PreparedStatement stamp = c.prepareStatement("UPDATE store_commits SET batch_seq = ? WHERE id = 1")) {
            stamp.setLong(1, seq);
            stamp.executeUpdate();
        }
    }

    private static void commit(Connection c) throws SQLException {
        execute(c, "COMMIT");
    }

    /** Rolls the open transaction back; SQLite may have done so already (disk full, I/O error). */
    private static void rollback(Connection c) throws SQLException {
        try {
            execute(c, "ROLLBACK");
        } catch (SQLException e) {
            if (e.getMessage() == null || !e.getMessage().contains("no transaction is active")) {
                throw e;
            }
        }
    }

    private static void savepoint(Connection c) throws SQLException {
        execute(c, "SAVEPOINT op");
    }

    private static void rollbackToSavepoint(Connection c) throws SQLException {
        execute(c, "ROLLBACK TO op");
    }

    private static void releaseSavepoint(Connection c) throws SQLException {
        execute(c, "RELEASE op");
    }

    /**
     * After a failure: rolls back what SQLite has not, replaces the connection (whatever state
     * the old one was left in), and reads the stamp back to tell whether the batch committed.
     */
    private boolean committedAfterAll(long seq) {
        if (connection != null) {
            try {
                execute(connection, "ROLLBACK");
            } catch (SQLException ignored) {
                // SQLite already rolled it back (or the connection is unusable): either way it is replaced
            }
            closeQuietly(connection);
            connection = null;
        }
        try {
            connection = source.open();
            return readStamp(connection) == seq;
        } catch (SQLException e) {
            Log.warnf("Cannot reopen the store's writer connection yet: %s", e.getMessage());
            closeQuietly(connection);
            connection = null;
            return false;
        }
    }

    private void markFailed(SQLException e) {
        if (failure == null) {
            Log.errorf("Store commit failed: %s; writes are refused until a commit succeeds again", e.getMessage());
        }
        failure = "commit failed: " + e.getMessage();
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            connection = source.open();
        }
        return connection;
    }

    private static long readStamp(Connection c) throws SQLException {
        try (Statement statement = c.createStatement();
             ResultSet row = statement.executeQuery("SELECT batch_seq FROM store_commits WHERE id = 1")) {
            return row.next() ? row.getLong(1) : 0;
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            statement.execute();
        }
    }

    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            Log.debug("Closing a connection failed", e);
        }
    }

    /** One queued write with the result of its latest run. */
    private static final class PendingWrite<T> {
        private final WriteOperation<T> operation;
        private final CompletableFuture<T> future;
        private WriteContext context;
        private T result;
        private Throwable error;

        PendingWrite(WriteOperation<T> operation, CompletableFuture<T> future) {
            this.operation = operation;
            this.future = future;
        }

        /**
         * Runs the operation (again) in a fresh context; its own failure is kept for its caller.
         * Returns whether it succeeded.
         */
        boolean runIn(Connection connection) {
            context = new WriteContext(connection);
            result = null;
            error = null;
            try {
                result = operation.apply(context);
                return true;
            } catch (Throwable t) {
                error = t;
                return false;
            }
        }

        boolean succeeded() {
            return context != null && error == null;
        }

        void publish() {
            if (error == null) {
                context.runAfterCommit();
            }
        }

        void fail(Throwable failure) {
            future.completeExceptionally(failure);
        }

        void complete() {
            if (error != null) {
                future.completeExceptionally(error);
            } else {
                future.complete(result);
            }
        }
    }
}
