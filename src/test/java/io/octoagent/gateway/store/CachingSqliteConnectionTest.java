package io.octoagent.gateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

/** Prepared statements kept per connection, on a real SQLite file in WAL mode. */
class CachingSqliteConnectionTest {

    @TempDir
    Path dir;

    private CachingSqliteConnection writer;
    private CachingSqliteConnection reader;

    @BeforeEach
    void open() throws SQLException {
        writer = connect(false);
        try (Statement s = writer.createStatement()) {
            s.execute("CREATE TABLE rows (name TEXT PRIMARY KEY, n INTEGER)");
        }
        reader = connect(true);
    }

    @AfterEach
    void close() throws SQLException {
        reader.close();
        writer.close();
    }

    @Test
    void theSameSqlGetsTheSameStatementBackWithItsParametersCleared() throws SQLException {
        PreparedStatement first = writer.prepareStatement("INSERT INTO rows (name, n) VALUES (?, ?)");
        first.setString(1, "a");
        first.setInt(2, 1);
        first.executeUpdate();
        first.close();
        try (PreparedStatement again = writer.prepareStatement("INSERT INTO rows (name, n) VALUES (?, ?)")) {
            assertSame(first, again, "prepared once per connection");
            again.setString(1, "b");
            again.executeUpdate();
        }
        assertEquals(1, count("SELECT COUNT(*) FROM rows WHERE name = 'b' AND n IS NULL"),
                "the earlier binding of n did not stick to the reused statement");
    }

    @Test
    void aStatementStillOpenIsNotHandedOutTwice() throws SQLException {
        try (PreparedStatement outer = writer.prepareStatement("SELECT 1");
             PreparedStatement inner = writer.prepareStatement("SELECT 1")) {
            assertNotSame(outer, inner);
            try (ResultSet a = outer.executeQuery(); ResultSet b = inner.executeQuery()) {
                assertTrue(a.next() && b.next());
            }
        }
    }

    @Test
    void aReaderWhoseQueryIsLeftUnfinishedStillSeesLaterCommits() throws SQLException {
        insert("a", 1);
        insert("b", 2);
        // A read that stops after the first row and leaves its result set to the statement's
        // close: a statement left mid-step would hold the reader's WAL snapshot open for good.
        try (PreparedStatement read = reader.prepareStatement("SELECT name FROM rows ORDER BY name")) {
            ResultSet rows = read.executeQuery();
            assertTrue(rows.next());
        }
        insert("c", 3);
        assertEquals(3, count("SELECT COUNT(*) FROM rows"), "the reader's snapshot moved on");
    }

    @Test
    void aStatementWhoseExecutionFailedIsPreparedAfresh() throws SQLException {
        insert("a", 1);
        SQLException duplicate = assertThrows(SQLException.class, () -> insert("a", 2));
        assertTrue(duplicate.getMessage().contains("UNIQUE"), duplicate.getMessage());
        insert("b", 2);
        assertEquals(2, count("SELECT COUNT(*) FROM rows"));
    }

    @Test
    void itKeepsAtMostItsCapacityOfStatements() throws SQLException {
        for (int i = 0; i < CachingSqliteConnection.CAPACITY + 50; i++) {
            try (PreparedStatement s = writer.prepareStatement("SELECT " + i);
                 ResultSet row = s.executeQuery()) {
                assertTrue(row.next());
                assertEquals(i, row.getInt(1));
            }
        }
        assertEquals(CachingSqliteConnection.CAPACITY, writer.cachedStatements());
    }

    private void insert(String name, int n) throws SQLException {
        try (PreparedStatement s = writer.prepareStatement("INSERT INTO rows (name, n) VALUES (?, ?)")) {
            s.setString(1, name);
            s.setInt(2, n);
            s.executeUpdate();
        }
    }

    private int count(String sql) throws SQLException {
        try (PreparedStatement s = reader.prepareStatement(sql); ResultSet row = s.executeQuery()) {
            row.next();
            return row.getInt(1);
        }
    }

    private CachingSqliteConnection connect(boolean readOnly) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setReadOnly(readOnly);
        return CachingSqliteConnection.open("jdbc:sqlite:" + dir.resolve("cache.db"), config.toProperties());
    }
}
