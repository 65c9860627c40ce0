package io.octoagent.gateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.octoagent.gateway.support.Pause;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

/**
 * Fault injection for the group-commit writer on a real SQLite file. A failing COMMIT is made to
 * behave as SQLite does on a full disk: the transaction is rolled back under the connection and
 * the error is {@code SQLITE_FULL}. The writer must fail exactly that batch, tell no caller a
 * falsehood, and work again at the next batch without a restart.
 */
class GroupCommitWriterTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private String url;
    private final Faults faults = new Faults();
    private GroupCommitWriter writer;

    @BeforeEach
    void open() throws SQLException {
        url = "jdbc:sqlite:" + dir.resolve("writer.db");
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE rows (name TEXT PRIMARY KEY)");
        }
        writer = new GroupCommitWriter(() -> faults.wrap(connect()), 64, List.of(), Duration.ofMillis(50));
        writer.start();
    }

    @AfterEach
    void close() {
        writer.close();
    }

    @Test
    void aCommitRolledBackByTheDiskFailsItsBatchAndTheNextBatchCommits() throws Exception {
        assertEquals("ok", await(insert("before")));

        faults.failCommits.set(1);
        Throwable refused = failureOf(insert("refused"));
        assertInstanceOf(StoreUnavailableException.class, refused);
        assertTrue(refused.getMessage().contains("SQLITE_FULL"), refused.getMessage());

        assertEquals("ok", await(insert("after")), "the batch after a failed commit must commit");
        assertEquals(List.of("after", "before"), committedRows(), "a refused write is not in the file");
        assertNull(writer.failure(), "healthy again once a commit succeeded");
    }

    @Test
    void whileCommitsFailTheWriterReportsItAndAProbeFindsTheStoreHealthyWithoutTraffic() throws Exception {
        faults.failCommits.set(Integer.MAX_VALUE);
        assertInstanceOf(StoreUnavailableException.class, failureOf(insert("during")));
        assertNotNull(writer.failure());
        Pause.millis(300);
        assertNotNull(writer.failure(), "still failing: the probes fail too");
        assertTrue(faults.commitAttempts.get() >= 3, "the writer probes while failing: " + faults.commitAttempts.get());

        faults.failCommits.set(0);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (writer.failure() != null && System.nanoTime() < deadline) {
            Pause.millis(10);
        }
        assertNull(writer.failure(), "an idle writer noticed by itself that commits work again");
        assertEquals(List.of(), committedRows());
    }

    @Test
    void aCommitThatReportsAFailureButIsDurableIsReportedAsCommitted() throws Exception {
        faults.commitThenFail.set(true);
        assertEquals("ok", await(insert("durable")), "the caller must not be told 503 about a committed write");
        assertEquals(List.of("durable"), committedRows());
        assertEquals("ok", await(insert("next")));
    }

    @Test
    void aTransactionLostInTheMiddleOfABatchFailsTheWholeBatch() throws Exception {
        // The third write's statement hits a full disk and SQLite rolls back the whole transaction:
        // the two writes before it in the batch are gone too and must not be reported committed.
        List<CompletableFuture<String>> batch = new ArrayList<>();
        Runnable release = holdWriter();
        for (int i = 0; i < 5; i++) {
            String name = "batched-" + i;
            batch.add(writer.submit(context -> {
                if (name.equals("batched-2")) {
                    faults.loseTransaction(context.connection());
                    throw new SQLException("[SQLITE_FULL] database or disk is full");
                }
                insertRow(context.connection(), name);
                return "ok";
            }));
        }
        release.run();
        for (CompletableFuture<String> write : batch) {
            assertInstanceOf(StoreUnavailableException.class, failureOf(write));
        }
        assertEquals(List.of(), committedRows(), "nothing of the broken batch is in the file");
        assertEquals("ok", await(insert("after")));
        assertEquals(List.of("after"), committedRows());
    }

    @Test
    void oneFailingOperationStillRollsBackAlone() throws Exception {
        CompletableFuture<String> ok = insert("fine");
        CompletableFuture<String> duplicate = insert("fine");
        assertEquals("ok", await(ok));
        assertInstanceOf(SQLException.class, failureOf(duplicate));
        assertNull(writer.failure(), "an operation's own failure is not a store failure");
        assertEquals(List.of("fine"), committedRows());
    }

    @Test
    void anOperationFailingInTheMiddleOfABatchFailsAloneAndTheOthersCommitWithTheirAfterCommitActionsOnce()
            throws Exception {
        // No savepoint per operation while all succeed: the failure makes the writer roll back
        // and run the batch again, this time guarding the failing operation. Its own row (written
        // before it threw) must not be committed; every other row must, and every after-commit
        // action of a committed operation runs once, however often the operation ran.
        AtomicInteger afterCommits = new AtomicInteger();
        List<CompletableFuture<String>> batch = new ArrayList<>();
        Runnable release = holdWriter();
        for (int i = 0; i < 6; i++) {
            String name = "op-" + i;
            batch.add(writer.submit(context -> {
                insertRow(context.connection(), name);
                context.afterCommit(afterCommits::incrementAndGet);
                if (name.equals("op-2") || name.equals("op-4")) {
                    throw new IllegalStateException(name + " refused");
                }
                return name;
            }));
        }
        release.run();
        for (int i = 0; i < 6; i++) {
            if (i == 2 || i == 4) {
                assertEquals("op-" + i + " refused", failureOf(batch.get(i)).getMessage());
            } else {
                assertEquals("op-" + i, await(batch.get(i)));
            }
        }
        assertEquals(List.of("op-0", "op-1", "op-3", "op-5"), committedRows());
        assertEquals(4, afterCommits.get(), "one after-commit action per committed operation");
        assertNull(writer.failure());
    }

    @Test
    void aBatchOfRefusalsCommitsNothingAndCostsNoCommit() throws Exception {
        assertEquals("ok", await(insert("first")));
        int commits = faults.commitAttempts.get();
        Throwable refused = failureOf(writer.submit(context -> {
            insertRow(context.connection(), "refused");
            throw new IllegalArgumentException("not today");
        }));
        assertEquals("not today", refused.getMessage());
        assertEquals(commits, faults.commitAttempts.get(), "nothing to make durable: no COMMIT, no fsync");
        assertEquals("ok", await(insert("second")));
        assertEquals(List.of("first", "second"), committedRows());
    }

    /**
     * Holds the writer inside a batch of its own: writes submitted until the returned action runs
     * all queue up, and go into the next batch together. The action lets the writer go on and
     * waits until the held batch is done.
     */
    private Runnable holdWriter() throws Exception {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        CompletableFuture<Void> holding = new CompletableFuture<>();
        CompletableFuture<String> held = writer.submit(context -> {
            holding.complete(null);
            gate.orTimeout(10, TimeUnit.SECONDS).join();
            return "held";
        });
        holding.get(10, TimeUnit.SECONDS);
        return () -> {
            gate.complete(null);
            held.handle((ok, e) -> ok).orTimeout(10, TimeUnit.SECONDS).join();
        };
    }

    private CompletableFuture<String> insert(String name) {
        return writer.submit(context -> {
            insertRow(context.connection(), name);
            return "ok";
        });
    }

    private static void insertRow(Connection connection, String name) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("INSERT INTO rows (name) VALUES ('" + name + "')");
        }
    }

    private List<String> committedRows() throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT name FROM rows ORDER BY name")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Throwable failureOf(CompletableFuture<?> future) throws InterruptedException, TimeoutException {
        try {
            future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        return fail("the write was expected to fail");
    }

    private Connection connect() throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(5000);
        return CachingSqliteConnection.open(url, config.toProperties());
    }

    /** Wraps connections so that COMMIT fails the way a full disk makes it fail. */
    private static final class Faults {
        final AtomicInteger failCommits = new AtomicInteger();
        final AtomicInteger commitAttempts = new AtomicInteger();
        final AtomicBoolean commitThenFail = new AtomicBoolean();

        Connection wrap(Connection real) {
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        if (method.getName().equals("prepareStatement") && args.length == 1
                                && "COMMIT".equals(String.valueOf(args[0]).trim().toUpperCase(Locale.ROOT))) {
                            return commit(real, real.prepareStatement("COMMIT"));
                        }
                        return invoke(real, method, args);
                    });
        }

        private PreparedStatement commit(Connection connection, PreparedStatement real) {
            return (PreparedStatement) Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
                    new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> {
                        if (method.getName().equals("execute") && args == null) {
                            commitAttempts.incrementAndGet();
                            if (commitThenFail.getAndSet(false)) {
                                real.execute();
                                throw new SQLException("[SQLITE_IOERR] disk I/O error (reported after the commit)");
                            }
                            if (failCommits.get() > 0) {
                                failCommits.decrementAndGet();
                                loseTransaction(connection);
                                throw new SQLException("[SQLITE_FULL] database or disk is full");
                            }
                        }
                        return invoke(real, method, args);
                    });
        }

        /** What SQLite does on SQLITE_FULL: the whole transaction is rolled back under the caller. */
        void loseTransaction(Connection connection) throws SQLException {
            Connection real = Proxy.isProxyClass(connection.getClass()) ? connection.unwrap(Connection.class)
                    : connection;
            try (Statement s = real.createStatement()) {
                s.execute("ROLLBACK");
            }
        }

        private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
