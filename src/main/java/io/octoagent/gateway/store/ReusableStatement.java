package io.octoagent.gateway.store;

import io.quarkus.logging.Log;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.sqlite.SQLiteConnection;
import org.sqlite.jdbc4.JDBC4PreparedStatement;

/**
 * A prepared statement kept by a {@link CachingSqliteConnection}. {@link #close()} makes it ready
 * for its next use — its result set closed (which resets it, so a reader holds no snapshot
 * open) and its parameters cleared — instead of finalizing it. A statement whose execution
 * failed is finalized on close and prepared afresh next time, whatever state SQLite left it in.
 */
final class ReusableStatement extends JDBC4PreparedStatement {

    private boolean inUse;
    private boolean broken;

    ReusableStatement(SQLiteConnection connection, String sql) throws SQLException {
        super(connection, sql);
    }

    boolean inUse() {
        return inUse;
    }

    boolean isBroken() {
        return broken;
    }

    void checkOut() {
        inUse = true;
    }

    @Override
    public ResultSet executeQuery() throws SQLException {
        return marksFailure(super::executeQuery);
    }

    @Override
    public int executeUpdate() throws SQLException {
        return marksFailure(super::executeUpdate);
    }

    @Override
    public boolean execute() throws SQLException {
        return marksFailure(super::execute);
    }

    /** An execution that fails leaves the statement to be finalized rather than reused. */
    private <T> T marksFailure(Execution<T> execution) throws SQLException {
        try {
            return execution.run();
        } catch (SQLException | RuntimeException e) {
            broken = true;
            throw e;
        }
    }

    @FunctionalInterface
    private interface Execution<T> {
        T run() throws SQLException;
    }

    /** Back to the connection's cache: reset and cleared, or finalized if its last use failed. */
    @Override
    public void close() throws SQLException {
        if (!inUse) {
            return;
        }
        inUse = false;
        if (broken) {
            super.close();
            return;
        }
        try {
            if (rs.isOpen()) {
                rs.close();
            }
            clearParameters();
        } catch (SQLException e) {
            broken = true;
            super.close();
            throw e;
        }
    }

    /** Finalizes the statement for good (the connection evicts it or is closing). */
    void finalizeQuietly() {
        try {
            super.close();
        } catch (SQLException e) {
            Log.debug("Finalizing a cached statement failed", e);
        }
    }
}
