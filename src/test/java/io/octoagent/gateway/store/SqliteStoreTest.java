package io.octoagent.gateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SqliteStoreTest {

    @Inject
    SqliteStore store;

    @Inject
    CountingCommitListener commits;

    @Test
    void theStoreRunsInWalWithFullSyncAndForeignKeys() {
        assertEquals("wal", store.readNow(c -> pragma(c.createStatement(), "journal_mode")));
        assertEquals("1", store.readNow(c -> pragma(c.createStatement(), "foreign_keys")));
        // synchronous is per connection: check the writer's, which is the one that commits.
        String synchronous = store.write(context -> pragma(context.connection().createStatement(), "synchronous"))
                .await().atMost(Duration.ofSeconds(10));
        assertEquals("2", synchronous, "2 = FULL");
    }

    @Test
    void concurrentWritersShareCommits() {
        long commitsBefore = commits.commits();
        long operationsBefore = commits.operations();
        List<Uni<Integer>> writes = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            writes.add(store.write(context -> {
                try (Statement statement = context.connection().createStatement()) {
                    return statement.executeUpdate("CREATE TEMP TABLE IF NOT EXISTS group_commit_probe (x)");
                }
            }));
        }
        Uni.join().all(writes).andFailFast().await().atMost(Duration.ofSeconds(30));
        long operations = commits.operations() - operationsBefore;
        long batches = commits.commits() - commitsBefore;
        assertTrue(operations >= 400, "every write was committed: " + operations);
        assertTrue(batches < operations, "fewer commits (" + batches + ") than operations (" + operations + ")");
    }

    @Test
    void aFailingOperationRollsBackAloneInsideItsBatch() {
        String table = "savepoint_probe_" + System.nanoTime();
        List<Uni<Object>> writes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int n = i;
            writes.add(store.<Object>write(context -> {
                try (Statement statement = context.connection().createStatement()) {
                    statement.execute("CREATE TEMP TABLE IF NOT EXISTS " + table + " (n INTEGER)");
                    statement.execute("INSERT INTO " + table + " VALUES (" + n + ")");
                }
                if (n % 2 == 1) {
                    throw new IllegalStateException("odd " + n);
                }
                return n;
            }).onFailure().recoverWithItem(failure -> failure));
        }
        List<Object> results = Uni.join().all(writes).andFailFast().await().atMost(Duration.ofSeconds(30));
        for (int i = 0; i < 20; i++) {
            if (i % 2 == 1) {
                assertInstanceOf(IllegalStateException.class, results.get(i));
            } else {
                assertEquals(i, results.get(i));
            }
        }
        long rows = store.write(context -> {
            try (Statement statement = context.connection().createStatement();
                 ResultSet count = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
                count.next();
                return count.getLong(1);
            }
        }).await().atMost(Duration.ofSeconds(10));
        assertEquals(10, rows, "only the even inserts survived");
    }

    private static String pragma(Statement statement, String name) throws SQLException {
        try (statement; ResultSet row = statement.executeQuery("PRAGMA " + name)) {
            row.next();
            return row.getString(1);
        }
    }
}
