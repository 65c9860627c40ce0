package io.octoagent.gateway.store.postgres;

import io.agroal.api.AgroalDataSource;
import io.octoagent.gateway.store.CallerContext;
import io.octoagent.gateway.store.CommitListener;
import io.octoagent.gateway.store.ReadOperation;
import io.octoagent.gateway.store.SqlDialect;
import io.octoagent.gateway.store.Store;
import io.octoagent.gateway.store.StoreUnavailableException;
import io.octoagent.gateway.store.WriteContext;
import io.octoagent.gateway.store.WriteOperation;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Typed;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The PostgreSQL store, shared by every replica: connections from the Quarkus datasource (Agroal),
 * schema by the Flyway extension at startup. Each write is its own READ COMMITTED transaction
 * on a worker thread. Rows a write decides on are locked by the features' SQL
 * ({@link SqlDialect#forUpdate()}: the task a step appends to, the budget allowances a call
 * reserves on), so concurrent writers on them — other replicas included — take turns; a write
 * that still collides (two replicas inserting one idempotency key, a deadlock) is refused by
 * PostgreSQL and runs again from the start against the new state. A probe checks the database
 * every second for readiness.
 */
@ApplicationScoped
@Typed(PostgresStore.class)
public class PostgresStore implements Store {

    private static final int MAX_ATTEMPTS = 10;
    private static final SqlDialect DIALECT = new PostgresDialect();

    private final Instance<AgroalDataSource> dataSources;
    private final List<CommitListener> commitListeners;
    private final Executor workers = Infrastructure.getDefaultWorkerPool();

    private AgroalDataSource dataSource;
    private ScheduledExecutorService prober;
    private volatile boolean open;
    private volatile String failure;
    private Instant openedAt;

    public PostgresStore(Instance<AgroalDataSource> dataSources, Instance<CommitListener> commitListeners) {
        this.dataSources = dataSources;
        this.commitListeners = commitListeners.stream().toList();
    }

    @PostConstruct
    void open() {
        openedAt = Instant.now();
        dataSource = dataSources.get();
        probe();
        prober = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "octoagent-db-probe");
            thread.setDaemon(true);
            return thread;
        });
        prober.scheduleWithFixedDelay(this::probe, 1, 1, TimeUnit.SECONDS);
        open = true;
        Log.info("Store opened on PostgreSQL");
    }

    /** The pool, for engine parts that need a connection of their own (the event listener). */
    DataSource dataSource() {
        return dataSource;
    }

    @Override
    public <T> Uni<T> write(WriteOperation<T> operation) {
        return onWorker(() -> writeNow(operation));
    }

    @Override
    public <T> Uni<T> read(ReadOperation<T> operation) {
        return onWorker(() -> readNow(operation));
    }

    /** Blocking variant of {@link #write} for code already on a worker thread. */
    public <T> T writeNow(WriteOperation<T> operation) {
        for (int attempt = 1; ; attempt++) {
            checkOpen();
            try (Connection connection = connection()) {
                try {
                    connection.setAutoCommit(false);
                    long start = System.nanoTime();
                    WriteContext context = new WriteContext(connection);
                    T result = operation.apply(context);
                    connection.commit();
                    long nanos = System.nanoTime() - start;
                    // One operation per transaction here: the same commit metrics as SQLite's batches.
                    commitListeners.forEach(listener -> listener.committed(1, nanos));
                    context.runAfterCommit();
                    return result;
                } catch (SQLException e) {
                    rollbackQuietly(connection);
                    if (PostgresErrors.isConflict(e) && attempt < MAX_ATTEMPTS) {
                        backOff(attempt);
                        continue;
                    }
                    throw failed("write", e);
                } catch (RuntimeException | Error e) {
                    rollbackQuietly(connection);
                    throw e;
                } finally {
                    restoreAutoCommit(connection);
                }
            } catch (SQLException e) {
                throw failed("write", e);
            }
        }
    }

    @Override
    public <T> T readNow(ReadOperation<T> operation) {
        checkOpen();
        try (Connection connection = connection()) {
            return operation.apply(connection);
        } catch (SQLException e) {
            throw failed("query", e);
        }
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public Optional<String> writeFailure() {
        return open ? Optional.ofNullable(failure) : Optional.of("the store is closed");
    }

    @Override
    public Instant openedAt() {
        return openedAt;
    }

    @Override
    public SqlDialect dialect() {
        return DIALECT;
    }

    @Override
    public Optional<Path> artifactDirectory() {
        return Optional.empty();
    }

    @Override
    public String engine() {
        return "postgres";
    }

    @PreDestroy
    void close() {
        open = false;
        if (prober != null) {
            prober.shutdownNow();
        }
    }

    private Connection connection() throws SQLException {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            failure = PostgresErrors.describe(e);
            throw e;
        }
    }

    /** A real round trip; readiness reports the failure until one succeeds again. */
    private void probe() {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(2);
            statement.execute("SELECT 1");
            if (failure != null) {
                Log.infof("The database answers again");
            }
            failure = null;
        } catch (SQLException | RuntimeException e) {
            if (failure == null) {
                Log.warnf("The database does not answer: %s", PostgresErrors.describe(e));
            }
            failure = PostgresErrors.describe(e);
            // Idle connections to a server that went away are dead: the next ones are opened afresh.
            dataSource.flush(AgroalDataSource.FlushMode.IDLE);
        }
    }

    private StoreUnavailableException failed(String what, SQLException e) {
        if (PostgresErrors.isConnectionLoss(e)) {
            failure = PostgresErrors.describe(e);
        }
        return new StoreUnavailableException("database " + what + " failed: " + PostgresErrors.describe(e), e);
    }

    private void checkOpen() {
        if (!open) {
            throw new StoreUnavailableException("the store is closed");
        }
    }

    private <T> Uni<T> onWorker(Supplier<T> work) {
        return CallerContext.await(() -> CompletableFuture.supplyAsync(work, workers), workers);
    }

    /** Back to the pool's default; a broken connection is discarded by the pool anyway. */
    private static void restoreAutoCommit(Connection connection) {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            Log.debug("Restoring autocommit failed", e);
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            Log.debug("Rollback failed", e);
        }
    }

    private static void backOff(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L * attempt + 2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while retrying a write", e);
        }
    }
}
