package io.octoagent.gateway.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The few statements that differ between SQLite and PostgreSQL. Everything else the features
 * write is SQL both engines run as it is.
 */
public interface SqlDialect {

    /** A text field of a JSON column at {@code path} (SQL NULL when absent). */
    String jsonText(String column, String... path);

    /** A number field of a JSON column at {@code path} (SQL NULL when absent). */
    String jsonNumber(String column, String... path);

    /** A boolean field of a JSON column as 1 or 0 (SQL NULL when absent). */
    String jsonFlag(String column, String... path);

    /**
     * Appended to a {@code SELECT} whose rows the transaction goes on to change: locks them until
     * it ends, so concurrent transactions on the same rows (other replicas) wait their turn.
     * Empty where a single writer already serialises every write.
     */
    String forUpdate();

    /**
     * Holds the lock named {@code name} until the transaction ends: transactions that take the
     * same name run their decisions one after the other (for rows that may not exist yet).
     * A no-op where a single writer already serialises every write.
     */
    void lock(Connection connection, String name) throws SQLException;

    /** Foreign keys are checked at commit, not per statement, for the rest of this transaction. */
    void deferForeignKeys(Connection connection) throws SQLException;
}
