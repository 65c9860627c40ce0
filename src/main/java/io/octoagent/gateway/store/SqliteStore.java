package io.octoagent.gateway.store;

import io.octoagent.gateway.config.GatewayConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.sqlite.JDBC;
import org.sqlite.SQLiteConfig;

/**
 * The embedded SQLite store: one file, WAL, {@code synchronous=FULL}, foreign keys on.
 *
 * <p>Writes go through a single writer thread that owns the only writable connection. It drains
 * every queued operation into one transaction, runs each under its own savepoint (a failing
 * operation rolls back alone) and commits once: concurrent writers share one fsync (group
 * commit), yet each caller's future completes only after the commit made its rows durable.
 * Reads run on worker threads over a small pool of read-only connections (WAL readers never
 * block the writer). Nothing here ever runs on a Vert.x event loop.
 */
@Startup
@ApplicationScoped
public class SqliteStore {

    public static final String DB_FILE = "octoagent.db";

    private final GatewayConfig config;
    private final Instance<CommitListener> commitListenerBeans;
    private List<CommitListener> commitListeners = List.of();
    private final BlockingQueue<PendingWrite<?>> queue = new LinkedBlockingQueue<>();
    private final Executor workers = Infrastructure.getDefaultWorkerPool();

    private volatile boolean open;
    private Path dataDir;
    private Connection writer;
    private BlockingQueue<Connection> readers;
    private Thread writerThread;

    public SqliteStore(GatewayConfig config, Instance<CommitListener> commitListeners) {
        this.config = config;
        this.commitListenerBeans = commitListeners;
    }

    @PostConstruct
    void open() {
        dataDir = Path.of(config.dataDir()).toAbsolutePath().normalize();
        try {
            Files.createDirectories(dataDir);
            String url = "jdbc:sqlite:" + dataDir.resolve(DB_FILE);
            writer = connect(url, false);
            applySchema(writer);
            writer.setAutoCommit(false);
            int readerCount = Math.max(1, config.store().readConnections());
            readers = new ArrayBlockingQueue<>(readerCount);
            for (int i = 0; i < readerCount; i++) {
                readers.add(connect(url, true));
            }
        } catch (IOException | SQLException e) {
            throw new StoreUnavailableException("cannot open the store in " + dataDir + ": " + e.getMessage(), e);
        }
        commitListeners = commitListenerBeans.stream().toList();
        open = true;
        writerThread = new Thread(this::writeLoop, "octoagent-store-writer");
        writerThread.setDaemon(true);
        writerThread.start();
        Log.infof("Store opened at %s", dataDir.resolve(DB_FILE));
    }

    /** The absolute data directory (SQLite file and artifact files live under it). */
    public Path dataDir() {
        return dataDir;
    }

    public boolean isOpen() {
        return open;
    }

    /**
     * Runs {@code operation} in the next group commit; the Uni completes once it is durable, back
     * on the caller's Vert.x context when there is one (so request logs keep their request id).
     */
    public <T> Uni<T> write(WriteOperation<T> operation) {
        return Uni.createFrom().emitter(emitter -> {
            Context caller = Vertx.currentContext();
            submit(operation).whenComplete((result, failure) -> deliver(caller, () -> {
                if (failure != null) {
                    emitter.fail(failure);
                } else {
                    emitter.complete(result);
                }
            }));
        });
    }

    /** Runs a query on a worker thread with a read-only connection; completes like {@link #write}. */
    public <T> Uni<T> read(ReadOperation<T> operation) {
        return Uni.createFrom().emitter(emitter -> {
            Context caller = Vertx.currentContext();
            workers.execute(() -> {
                T result;
                try {
                    result = readNow(operation);
                } catch (RuntimeException e) {
                    deliver(caller, () -> emitter.fail(e));
                    return;
                }
                deliver(caller, () -> emitter.complete(result));
            });
        });
    }

    private void deliver(Context caller, Runnable completion) {
        if (caller != null) {
            caller.runOnContext(ignored -> completion.run());
        } else {
            workers.execute(completion);
        }
    }

    /** Blocking variant of {@link #read} for code already on a worker thread (startup, health). */
    public <T> T readNow(ReadOperation<T> operation) {
        if (!open) {
            throw new StoreUnavailableException("the store is closed");
        }
        Connection connection;
        try {
            connection = readers.poll(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for a read connection", e);
        }
        if (connection == null) {
            throw new StoreUnavailableException("no read connection available");
        }
        try {
            return operation.apply(connection);
        } catch (SQLException e) {
            throw new StoreUnavailableException("query failed: " + e.getMessage(), e);
        } finally {
            readers.add(connection);
        }
    }

    private <T> CompletableFuture<T> submit(WriteOperation<T> operation) {
        CompletableFuture<T> future = new CompletableFuture<>();
        if (!open) {
            future.completeExceptionally(new StoreUnavailableException("the store is closed"));
            return future;
        }
        queue.add(new PendingWrite<>(operation, future));
        return future;
    }

    private void writeLoop() {
        List<PendingWrite<?>> batch = new ArrayList<>();
        int maxBatch = Math.max(1, config.store().maxBatch());
        while (open || !queue.isEmpty()) {
            try {
                PendingWrite<?> first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                commitBatch(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                Log.error("Store writer failed a batch", e);
            } finally {
                batch.clear();
            }
        }
    }

    private void commitBatch(List<PendingWrite<?>> batch) {
        long start = System.nanoTime();
        for (PendingWrite<?> write : batch) {
            write.runIn(writer);
        }
        try {
            writer.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            StoreUnavailableException failure = new StoreUnavailableException("commit failed: " + e.getMessage(), e);
            batch.forEach(write -> write.fail(failure));
            return;
        }
        long nanos = System.nanoTime() - start;
        // Listeners (metrics) and live subscribers hear of the commit before any caller goes on.
        for (CommitListener listener : commitListeners) {
            listener.committed(batch.size(), nanos);
        }
        for (PendingWrite<?> write : batch) {
            write.publish();
        }
        for (PendingWrite<?> write : batch) {
            write.complete();
        }
    }

    private void rollbackQuietly() {
        try {
            writer.rollback();
        } catch (SQLException e) {
            Log.warn("Rollback failed", e);
        }
    }

    @PreDestroy
    void close() {
        if (!open) {
            return;
        }
        open = false;
        try {
            writerThread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(writer);
        Connection reader;
        while ((reader = readers.poll()) != null) {
            closeQuietly(reader);
        }
        Log.info("Store closed");
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            Log.debug("Closing a connection failed", e);
        }
    }

    private static Connection connect(String url, boolean readOnly) throws SQLException {
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sqlite.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        sqlite.enforceForeignKeys(true);
        sqlite.setBusyTimeout(5000);
        sqlite.setReadOnly(readOnly);
        // Straight to the driver: DriverManager only sees drivers of the class loader that registered them.
        return JDBC.createConnection(url, sqlite.toProperties());
    }

    private static void applySchema(Connection connection) throws SQLException, IOException {
        String schema;
        try (InputStream in = SqliteStore.class.getResourceAsStream("/db/schema.sql")) {
            if (in == null) {
                throw new IOException("db/schema.sql is missing from the application");
            }
            schema = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (Statement statement = connection.createStatement()) {
            for (String sql : SchemaScript.statements(schema)) {
                statement.execute(sql);
            }
        }
    }

    /** One queued write with its result, captured between the savepoint and the commit. */
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

        void runIn(Connection connection) {
            context = new WriteContext(connection);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SAVEPOINT op");
                try {
                    result = operation.apply(context);
                    statement.execute("RELEASE op");
                } catch (Throwable t) {
                    error = t;
                    statement.execute("ROLLBACK TO op");
                    statement.execute("RELEASE op");
                }
            } catch (SQLException e) {
                error = error != null ? error : new StoreUnavailableException("write failed: " + e.getMessage(), e);
            }
        }

        void publish() {
            if (error == null) {
                for (Runnable action : context.afterCommitActions()) {
                    try {
                        action.run();
                    } catch (RuntimeException e) {
                        Log.warn("An after-commit action failed", e);
                    }
                }
            }
        }

        void fail(Throwable failure) {
            error = failure;
            future.completeExceptionally(failure);
        }

        void complete() {
            if (future.isDone()) {
                return;
            }
            if (error != null) {
                future.completeExceptionally(error);
            } else {
                future.complete(result);
            }
        }
    }
}
