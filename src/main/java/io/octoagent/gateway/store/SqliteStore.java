package io.octoagent.gateway.store;

import io.octoagent.gateway.common.PrivateFiles;
import io.octoagent.gateway.config.GatewayConfig;
import io.octoagent.gateway.config.ServiceSettings;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Typed;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The embedded SQLite store: one file, WAL, {@code synchronous=FULL}, foreign keys on, in a data
 * directory this process holds an exclusive lock on.
 *
 * <p>Writes go through the {@link GroupCommitWriter} (one thread, group commit, recovers by
 * itself from a failed commit). Reads run on worker threads over a small pool of read-only
 * connections (WAL readers never block the writer). Nothing here ever runs on a Vert.x event loop.
 */
@ApplicationScoped
@Typed(SqliteStore.class)
public class SqliteStore implements Store {

    private static final SqlDialect DIALECT = new SqliteDialect();

    public static final String DB_FILE = "octoagent.db";
    private static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);

    private final GatewayConfig config;
    private final ServiceSettings settings;
    private final Instance<CommitListener> commitListenerBeans;
    private final Executor workers = Infrastructure.getDefaultWorkerPool();

    private volatile boolean open;
    private Instant openedAt;
    private Path dataDir;
    private DataDirectoryLock lock;
    private GroupCommitWriter writer;
    private BlockingQueue<Connection> readers;

    public SqliteStore(GatewayConfig config, ServiceSettings settings, Instance<CommitListener> commitListeners) {
        this.config = config;
        this.settings = settings;
        this.commitListenerBeans = commitListeners;
    }

    @PostConstruct
    void open() {
        openedAt = Instant.now();
        dataDir = Path.of(config.dataDir()).toAbsolutePath().normalize();
        try {
            PrivateFiles.createDirectories(dataDir);
            // SQLite gives -wal and -shm the database file's mode: creating it 0600 covers all three.
            PrivateFiles.createFileIfMissing(dataDir.resolve(DB_FILE));
            for (String file : List.of(DB_FILE, DB_FILE + "-wal", DB_FILE + "-shm")) {
                PrivateFiles.restrict(dataDir.resolve(file), PrivateFiles.FILE);
            }
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot create the data directory " + dataDir + ": " + e.getMessage(), e);
        }
        // Before anything reads or writes: a second process on this directory stops here.
        lock = DataDirectoryLock.acquire(dataDir);
        String url = "jdbc:sqlite:" + dataDir.resolve(DB_FILE);
        try {
            Migrations.migrateSqlite(dataSource(url));
            int readerCount = settings.readConnections();
            readers = new ArrayBlockingQueue<>(readerCount);
            for (int i = 0; i < readerCount; i++) {
                readers.add(connect(url, true));
            }
            writer = new GroupCommitWriter(() -> connect(url, false), settings.maxBatch(),
                    commitListenerBeans.stream().toList(), PROBE_INTERVAL);
            writer.start();
        } catch (SQLException | RuntimeException e) {
            lock.close();
            throw new StoreUnavailableException("cannot open the store in " + dataDir + ": " + e.getMessage(), e);
        }
        open = true;
        Log.infof("Store opened at %s", dataDir.resolve(DB_FILE));
    }

    /** The absolute data directory (SQLite file and artifact files live under it). */
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public Instant openedAt() {
        return openedAt;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public SqlDialect dialect() {
        return DIALECT;
    }

    @Override
    public Optional<Path> artifactDirectory() {
        return Optional.of(dataDir.resolve("artifacts"));
    }

    @Override
    public String engine() {
        return "sqlite";
    }

    /** Why the last commit failed, or empty while commits succeed (readiness is DOWN meanwhile). */
    @Override
    public Optional<String> writeFailure() {
        return open ? Optional.ofNullable(writer.failure()) : Optional.of("the store is closed");
    }

    @Override
    public <T> Uni<T> write(WriteOperation<T> operation) {
        return CallerContext.await(() -> submit(operation), workers);
    }

    @Override
    public <T> Uni<T> read(ReadOperation<T> operation) {
        return CallerContext.await(() -> CompletableFuture.supplyAsync(() -> readNow(operation), workers), workers);
    }

    @Override
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
        if (!open) {
            return CompletableFuture.failedFuture(new StoreUnavailableException("the store is closed"));
        }
        return writer.submit(operation);
    }

    @PreDestroy
    void close() {
        if (!open) {
            return;
        }
        open = false;
        writer.close();
        Connection reader;
        while ((reader = readers.poll()) != null) {
            closeQuietly(reader);
        }
        lock.close();
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
        // Straight to the driver (DriverManager only sees drivers of the class loader that
        // registered them), through a connection that keeps its prepared statements.
        return CachingSqliteConnection.open(url, settings(readOnly).toProperties());
    }

    private static SQLiteConfig settings(boolean readOnly) {
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sqlite.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        sqlite.enforceForeignKeys(true);
        sqlite.setBusyTimeout(5000);
        sqlite.setReadOnly(readOnly);
        // Nothing reads generated keys; with them on, every INSERT also runs SELECT last_insert_rowid().
        sqlite.setGetGeneratedKeys(false);
        return sqlite;
    }

    /** The migrations' connection: the same settings as the writer's. */
    private static DataSource dataSource(String url) {
        SQLiteDataSource dataSource = new SQLiteDataSource(settings(false));
        dataSource.setUrl(url);
        return dataSource;
    }
}
