package io.octoagent.gateway.store.postgres;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;

/** What a PostgreSQL error means for the store: run the transaction again, or the database is gone. */
final class PostgresErrors {

    /** serialization_failure, deadlock_detected, unique_violation: a concurrent transaction won; run it again. */
    private static final Set<String> CONFLICTS = Set.of("40001", "40P01", "23505");

    private PostgresErrors() {
    }

    static boolean isConflict(SQLException e) {
        return e.getSQLState() != null && CONFLICTS.contains(e.getSQLState());
    }

    /** No connection (SQL state class 08, a refused or timed-out acquisition, a server shutting down). */
    static boolean isConnectionLoss(SQLException e) {
        String state = e.getSQLState();
        return e instanceof SQLTransientConnectionException || state == null || state.startsWith("08")
                || state.startsWith("57P");
    }

    /** A one-line reason, without the driver's stack or connection details beyond host and port. */
    static String describe(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
