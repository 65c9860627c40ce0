package io.octoagent.gateway.cost;

import io.octoagent.gateway.provider.TokenUsage;
import io.octoagent.gateway.store.SqliteStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Spend read straight from MODEL_CALL_COMPLETED events with SQLite's JSON functions. Payloads
 * written before the cost fields existed count with the same defaults the API serves them with.
 */
@ApplicationScoped
public class CostStore {

    /** Per-call columns with the defaults of old payloads. */
    private static final String CALLS = "SELECT task_id,"
            + " COALESCE(json_extract(payload, '$.model_alias'), '') AS model_alias,"
            + " COALESCE(json_extract(payload, '$.model_name'), '') AS model_name,"
            + " COALESCE(json_extract(payload, '$.provider'), '') AS provider,"
            + " COALESCE(json_extract(payload, '$.cost_usd'), 0.0) AS cost_usd,"
            + " COALESCE(json_extract(payload, '$.cost_unavailable'), 0) AS cost_unavailable,"
            + " COALESCE(json_extract(payload, '$.is_fallback'), 0) AS is_fallback,"
            + " COALESCE(json_extract(payload, '$.token_usage.prompt_tokens'),"
            + "          json_extract(payload, '$.token_usage.prompt'), 0) AS prompt_tokens,"
            + " COALESCE(json_extract(payload, '$.token_usage.completion_tokens'),"
            + "          json_extract(payload, '$.token_usage.completion'), 0) AS completion_tokens,"
            + " COALESCE(json_extract(payload, '$.token_usage.total_tokens'),"
            + "          json_extract(payload, '$.token_usage.total'), 0) AS total_tokens"
            + " FROM events WHERE type = 'MODEL_CALL_COMPLETED'";

    private static final String SUMS = "COUNT(*), COALESCE(SUM(cost_usd), 0), COALESCE(SUM(prompt_tokens), 0),"
            + " COALESCE(SUM(completion_tokens), 0), COALESCE(SUM(total_tokens), 0), COALESCE(SUM(cost_unavailable), 0),"
            + " COALESCE(SUM(is_fallback), 0)";

    private final SqliteStore store;

    public CostStore(SqliteStore store) {
        this.store = store;
    }

    public Uni<Spend> forTask(String taskId) {
        return store.read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT " + SUMS + " FROM (" + CALLS + " AND task_id = ?)")) {
                statement.setString(1, taskId);
                try (ResultSet row = statement.executeQuery()) {
                    row.next();
                    return spend(row, 1);
                }
            }
        });
    }

    /** Spend of every task ({@code senderId} null) or of one sender's tasks. */
    public Uni<CostSummary> summary(String senderId) {
        return store.read(connection -> new CostSummary(total(connection, senderId), groups(connection, senderId)));
    }

    private static String calls(String senderId) {
        return senderId == null ? CALLS
                : CALLS + " AND task_id IN (SELECT task_id FROM tasks WHERE sender_id = ?)";
    }

    private static Spend total(Connection connection, String senderId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + SUMS + " FROM (" + calls(senderId) + ")")) {
            if (senderId != null) {
                statement.setString(1, senderId);
            }
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return spend(row, 1);
            }
        }
    }

    private static List<CostSummary.Group> groups(Connection connection, String senderId) throws SQLException {
        List<CostSummary.Group> groups = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT model_alias, model_name, provider, " + SUMS + " FROM (" + calls(senderId) + ")"
                        + " GROUP BY model_alias, model_name, provider ORDER BY 5 DESC, 1, 2, 3")) {
            if (senderId != null) {
                statement.setString(1, senderId);
            }
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    groups.add(new CostSummary.Group(row.getString(1), row.getString(2), row.getString(3),
                            spend(row, 4)));
                }
            }
        }
        return groups;
    }

    private static Spend spend(ResultSet row, int first) throws SQLException {
        return new Spend(row.getLong(first), row.getDouble(first + 1),
                new TokenUsage(row.getLong(first + 2), row.getLong(first + 3),
                        row.getLong(first + 4)),
                row.getLong(first + 5), row.getLong(first + 6));
    }
}
