package io.octoagent.gateway.budget;

import com.fasterxml.jackson.databind.JsonNode;
import io.octoagent.gateway.event.Event;
import io.octoagent.gateway.task.TaskStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Spent and reserved amounts per allowance, folded from the events in the transaction that
 * appends them: MODEL_CALL_STARTED reserves what its {@code budget_reservations} name, a
 * completed call replaces its reservations by its real cost, a failed call (or a task ending
 * while its call runs) releases them. Checking a budget is then one primary-key read, and
 * rebuilding from the events reproduces every amount.
 */
public final class BudgetProjection {

    private BudgetProjection() {
    }

    public static void apply(Connection connection, Event event) throws SQLException {
        switch (event.type()) {
            case MODEL_CALL_STARTED:
                reserve(connection, event.taskId(), event.payload().path("budget_reservations"));
                break;
            case MODEL_CALL_COMPLETED:
                settle(connection, event.taskId(), Usd.nanos(event.payload().path("cost_usd").asDouble(0)));
                break;
            case MODEL_CALL_FAILED:
                settle(connection, event.taskId(), 0);
                break;
            case STATE_TRANSITION:
                // A task that ends while its call runs (cancelled, failed outside the call) releases
                // it; SUCCEEDED always follows the MODEL_CALL_COMPLETED that settled it.
                String to = event.payload().path("to_status").asText("");
                if (isTerminal(to) && !TaskStatus.SUCCEEDED.name().equals(to)) {
                    settle(connection, event.taskId(), 0);
                }
                break;
            default:
                break;
        }
    }

    /** Empties the budget tables (before every event is folded again). */
    public static void wipe(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("DELETE FROM budget_reservations");
            statement.execute("DELETE FROM budget_usage");
        }
    }

    public static BudgetUsage usage(Connection connection, BudgetKey key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT spent_nanos, reserved_nanos"
                + " FROM budget_usage WHERE budget = ? AND scope_value = ? AND period_start = ?")) {
            bind(statement, key, 1);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? new BudgetUsage(row.getLong(1), row.getLong(2)) : BudgetUsage.NONE;
            }
        }
    }

    /** The scope values with usage in one period of a budget. */
    public static List<String> scopeValues(Connection connection, String budget, String periodStart)
            throws SQLException {
        List<String> values = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT scope_value FROM budget_usage"
                + " WHERE budget = ? AND period_start = ? ORDER BY scope_value")) {
            statement.setString(1, budget);
            statement.setString(2, periodStart);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    values.add(row.getString(1));
                }
            }
        }
        return values;
    }

    private static void reserve(Connection connection, String taskId, JsonNode reservations) throws SQLException {
        for (JsonNode reservation : reservations) {
            BudgetKey key = new BudgetKey(reservation.path("budget").asText(), reservation.path("scope_value").asText(),
                    reservation.path("period_start").asText());
            long amount = Usd.nanos(reservation.path("reserved_usd").asDouble(0));
            try (PreparedStatement statement = connection.prepareStatement("INSERT INTO budget_reservations"
                    + " (task_id, budget, scope_value, period_start, amount_nanos) VALUES (?, ?, ?, ?, ?)")) {
                statement.setString(1, taskId);
                bind(statement, key, 2);
                statement.setLong(5, amount);
                statement.executeUpdate();
            }
            add(connection, key, 0, amount);
        }
    }

    /** Replaces a task's reservations by {@code spentNanos} on each of their allowances. */
    private static void settle(Connection connection, String taskId, long spentNanos) throws SQLException {
        List<BudgetKey> touched = new ArrayList<>();
        List<Long> amounts = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT budget, scope_value, period_start,"
                + " amount_nanos FROM budget_reservations WHERE task_id = ?")) {
            statement.setString(1, taskId);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    touched.add(new BudgetKey(row.getString(1), row.getString(2), row.getString(3)));
                    amounts.add(row.getLong(4));
                }
            }
        }
        if (touched.isEmpty()) {
            return;
        }
        for (int i = 0; i < touched.size(); i++) {
            add(connection, touched.get(i), spentNanos, -amounts.get(i));
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "DELETE FROM budget_reservations WHERE task_id = ?")) {
            statement.setString(1, taskId);
            statement.executeUpdate();
        }
    }

    private static void add(Connection connection, BudgetKey key, long spent, long reserved) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("INSERT INTO budget_usage"
                + " (budget, scope_value, period_start, spent_nanos, reserved_nanos) VALUES (?, ?, ?, ?, ?)"
                + " ON CONFLICT (budget, scope_value, period_start) DO UPDATE SET"
                + " spent_nanos = budget_usage.spent_nanos + excluded.spent_nanos,"
                + " reserved_nanos = budget_usage.reserved_nanos + excluded.reserved_nanos")) {
            bind(statement, key, 1);
            statement.setLong(4, spent);
            statement.setLong(5, reserved);
            statement.executeUpdate();
        }
    }

    private static void bind(PreparedStatement statement, BudgetKey key, int first) throws SQLException {
        statement.setString(first, key.budget());
        statement.setString(first + 1, key.scopeValue());
        statement.setString(first + 2, key.periodStart());
    }

    private static boolean isTerminal(String status) {
        try {
            return TaskStatus.valueOf(status).isTerminal();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
