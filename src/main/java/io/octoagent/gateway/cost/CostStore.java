package io.octoagent.gateway.cost;

import io.octoagent.gateway.common.Timestamps;
import io.octoagent.gateway.provider.TokenUsage;
import io.octoagent.gateway.store.SqlDialect;
import io.octoagent.gateway.store.Store;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Spend read straight from MODEL_CALL_COMPLETED events with the store's JSON functions. Payloads
 * written before the cost fields existed count with the same defaults the API serves them with.
 */
@ApplicationScoped
public class CostStore {

    private static final String SUMS = "COUNT(*), COALESCE(SUM(cost_usd), 0), COALESCE(SUM(prompt_tokens), 0),"
            + " COALESCE(SUM(completion_tokens), 0), COALESCE(SUM(total_tokens), 0), COALESCE(SUM(cost_unavailable), 0),"
            + " COALESCE(SUM(is_fallback), 0)";

    private final Store store;
    /** Per-call columns with the defaults of old payloads, and the task's owner and thread. */
    private final String calls;

    public CostStore(Store store) {
        this.store = store;
        this.calls = calls(store.dialect());
    }

    private static String calls(SqlDialect sql) {
        String payload = "e.payload";
        return "SELECT e.task_id AS task_id, e.ts AS ts,"
                + " COALESCE(" + sql.jsonText(payload, "model_alias") + ", '') AS model_alias,"
                + " COALESCE(" + sql.jsonText(payload, "model_name") + ", '') AS model_name,"
                + " COALESCE(" + sql.jsonText(payload, "provider") + ", '') AS provider,"
                + " COALESCE(" + sql.jsonNumber(payload, "cost_usd") + ", 0.0) AS cost_usd,"
                + " COALESCE(" + sql.jsonFlag(payload, "cost_unavailable") + ", 0) AS cost_unavailable,"
                + " COALESCE(" + sql.jsonFlag(payload, "is_fallback") + ", 0) AS is_fallback,"
                + " COALESCE(" + sql.jsonNumber(payload, "token_usage", "prompt_tokens") + ","
                + " " + sql.jsonNumber(payload, "token_usage", "prompt") + ", 0) AS prompt_tokens,"
                + " COALESCE(" + sql.jsonNumber(payload, "token_usage", "completion_tokens") + ","
                + " " + sql.jsonNumber(payload, "token_usage", "completion") + ", 0) AS completion_tokens,"
                + " COALESCE(" + sql.jsonNumber(payload, "token_usage", "total_tokens") + ","
                + " " + sql.jsonNumber(payload, "token_usage", "total") + ", 0) AS total_tokens,"
                + " t.sender_id AS owner, t.thread_id AS thread, substr(e.ts, 1, 10) AS day"
                + " FROM events e JOIN tasks t ON t.task_id = e.task_id WHERE e.type = 'MODEL_CALL_COMPLETED'";
    }

    public Uni<Spend> forTask(String taskId) {
        return store.read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT " + SUMS + " FROM (" + calls + " AND e.task_id = ?) AS calls")) {
                statement.setString(1, taskId);
                try (ResultSet row = statement.executeQuery()) {
                    row.next();
                    return spend(row, 1);
                }
            }
        });
    }

    /** Spend as {@code query} selects it: totals, by alias, model and provider, and by its dimension. */
    public Uni<CostSummary> summary(CostQuery query) {
        return store.read(connection -> new CostSummary(total(connection, query), groups(connection, query),
                query.from() == null ? null : query.from().toString(), query.to() == null ? null : query.to().toString(),
                query.groupBy() == null ? null : query.groupBy().wire(),
                query.groupBy() == null ? null : buckets(connection, query)));
    }

    /** The calls {@code query} covers, as a sub-select; {@link #bind} fills its parameters. */
    private String calls(CostQuery query) {
        StringBuilder sql = new StringBuilder(calls);
        if (query.owner() != null) {
            sql.append(" AND t.sender_id = ?");
        }
        if (query.from() != null) {
            sql.append(" AND e.ts >= ?");
        }
        if (query.to() != null) {
            sql.append(" AND e.ts < ?");
        }
        return sql.toString();
    }

    private static PreparedStatement bind(PreparedStatement statement, CostQuery query) throws SQLException {
        int index = 1;
        if (query.owner() != null) {
            statement.setString(index++, query.owner());
        }
        if (query.from() != null) {
            statement.setString(index++, Timestamps.format(query.from()));
        }
        if (query.to() != null) {
            statement.setString(index, Timestamps.format(query.to()));
        }
        return statement;
    }

    private Spend total(Connection connection, CostQuery query) throws SQLException {
        try (PreparedStatement statement = bind(connection.prepareStatement(
                "SELECT " + SUMS + " FROM (" + calls(query) + ") AS calls"), query);
             ResultSet row = statement.executeQuery()) {
            row.next();
            return spend(row, 1);
        }
    }

    private List<CostSummary.Group> groups(Connection connection, CostQuery query) throws SQLException {
        List<CostSummary.Group> groups = new ArrayList<>();
        try (PreparedStatement statement = bind(connection.prepareStatement(
                "SELECT model_alias, model_name, provider, " + SUMS + " FROM (" + calls(query) + ") AS calls"
                        + " GROUP BY model_alias, model_name, provider ORDER BY 5 DESC, 1, 2, 3"), query);
             ResultSet row = statement.executeQuery()) {
            while (row.next()) {
                groups.add(new CostSummary.Group(row.getString(1), row.getString(2), row.getString(3),
                        spend(row, 4)));
            }
        }
        return groups;
    }

    private List<CostSummary.Bucket> buckets(Connection connection, CostQuery query) throws SQLException {
        String column = query.groupBy().column;
        String order = query.groupBy() == CostQuery.GroupBy.DAY ? "1" : "3 DESC, 1";
        List<CostSummary.Bucket> buckets = new ArrayList<>();
        try (PreparedStatement statement = bind(connection.prepareStatement("SELECT " + column + ", " + SUMS
                + " FROM (" + calls(query) + ") AS calls GROUP BY " + column + " ORDER BY " + order), query);
             ResultSet row = statement.executeQuery()) {
            while (row.next()) {
                buckets.add(new CostSummary.Bucket(row.getString(1), spend(row, 2)));
            }
        }
        return buckets;
    }

    private static Spend spend(ResultSet row, int first) throws SQLException {
        return new Spend(row.getLong(first), row.getDouble(first + 1),
                new TokenUsage(row.getLong(first + 2), row.getLong(first + 3),
                        row.getLong(first + 4)),
                row.getLong(first + 5), row.getLong(first + 6));
    }
}
