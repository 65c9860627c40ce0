package io.octoagent.gateway.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** SQLite's JSON1 functions and pragmas. */
final class SqliteDialect implements SqlDialect {

    @Override
    public String jsonText(String column, String... path) {
        return extract(column, path);
    }

    @Override
    public String jsonNumber(String column, String... path) {
        return extract(column, path);
    }

    @Override
    public String jsonFlag(String column, String... path) {
        return extract(column, path); // JSON true/false come out as 1/0
    }

    @Override
    public String forUpdate() {
        return ""; // one writer: transactions never interleave
    }

    @Override
    public void lock(Connection connection, String name) {
    }

    @Override
    public void deferForeignKeys(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA defer_foreign_keys = ON");
        }
    }

    private static String extract(String column, String... path) {
        return "json_extract(" + column + ", '$." + String.join(".", path) + "')";
    }
}
