package io.octoagent.gateway.store.postgres;

import io.octoagent.gateway.store.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/** PostgreSQL's JSON operators (payloads are stored as text, read as jsonb) and deferred constraints. */
final class PostgresDialect implements SqlDialect {

    @Override
    public String jsonText(String column, String... path) {
        return "(" + column + "::jsonb #>> '{" + String.join(",", path) + "}')";
    }

    @Override
    public String jsonNumber(String column, String... path) {
        return jsonText(column, path) + "::numeric";
    }

    @Override
    public String jsonFlag(String column, String... path) {
        return "CASE " + jsonText(column, path) + " WHEN 'true' THEN 1 WHEN 'false' THEN 0 END";
    }

    @Override
    public String forUpdate() {
        return " FOR UPDATE";
    }

    @Override
    public void lock(Connection connection, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
            statement.setString(1, name);
            statement.execute();
        }
    }

    @Override
    public void deferForeignKeys(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET CONSTRAINTS ALL DEFERRED");
        }
    }
}
