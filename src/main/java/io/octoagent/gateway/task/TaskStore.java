package io.octoagent.gateway.task;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Queries of the {@code tasks} projection and of task inputs. */
@ApplicationScoped
public class TaskStore {

    private static final String COLUMNS = "task_id, created_at, updated_at, status, title, thread_id, scope_id,"
            + " channel, sender_id, risk_level, latest_event_id";

    public Optional<Task> find(Connection connection, String taskId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM tasks WHERE task_id = ?")) {
            statement.setString(1, taskId);
            return list(statement).stream().findFirst();
        }
    }

    /**
     * Newest first; {@code cursor} is the last task id of the previous page (exclusive); only
     * {@code senderId}'s tasks unless it is null.
     */
    public List<Task> page(Connection connection, TaskStatus status, String cursor, int limit, String senderId)
            throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM tasks WHERE 1 = 1");
        if (status != null) {
            sql.append(" AND status = ?");
        }
        if (senderId != null) {
            sql.append(" AND sender_id = ?");
        }
        if (cursor != null) {
            sql.append(" AND task_id < ?");
        }
        sql.append(" ORDER BY task_id DESC LIMIT ?");
        try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            int index = 1;
            if (status != null) {
                statement.setString(index++, status.name());
            }
            if (senderId != null) {
                statement.setString(index++, senderId);
            }
            if (cursor != null) {
                statement.setString(index++, cursor);
            }
            statement.setInt(index, limit);
            return list(statement);
        }
    }

    /** Ids of tasks in any of the given states, oldest first. */
    public List<String> idsWithStatus(Connection connection, TaskStatus... statuses) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT task_id FROM tasks WHERE status IN (");
        for (int i = 0; i < statuses.length; i++) {
            sql.append(i == 0 ? "?" : ", ?");
        }
        sql.append(") ORDER BY task_id");
        try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < statuses.length; i++) {
                statement.setString(i + 1, statuses[i].name());
            }
            List<String> ids = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
            return ids;
        }
    }

    /** The trace a task's events carry. */
    public Optional<String> traceId(Connection connection, String taskId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT trace_id FROM tasks WHERE task_id = ?")) {
            statement.setString(1, taskId);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.ofNullable(row.getString(1)) : Optional.empty();
            }
        }
    }

    public Optional<TaskInput> input(Connection connection, String taskId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT text, text_sha256, model_alias, sender_name FROM task_inputs WHERE task_id = ?")) {
            statement.setString(1, taskId);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new TaskInput(taskId, row.getString(1), row.getString(2), row.getString(3),
                        row.getString(4)));
            }
        }
    }

    /** The task an owner's idempotency key created, if any. */
    Optional<String> taskForKey(Connection connection, String owner, String key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT task_id FROM idempotency_keys WHERE owner = ? AND idempotency_key = ?")) {
            statement.setString(1, owner);
            statement.setString(2, key);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
            }
        }
    }

    void insertKey(Connection connection, String owner, String key, String taskId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "INSERT INTO idempotency_keys (owner, idempotency_key, task_id) VALUES (?, ?, ?)")) {
            statement.setString(1, owner);
            statement.setString(2, key);
            statement.setString(3, taskId);
            statement.executeUpdate();
        }
    }

    void insertInput(Connection connection, TaskInput input) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "INSERT INTO task_inputs (task_id, text, text_sha256, model_alias, sender_name) VALUES (?, ?, ?, ?, ?)")) {
            statement.setString(1, input.taskId());
            statement.setString(2, input.text());
            statement.setString(3, input.textSha256());
            statement.setString(4, input.modelAlias());
            statement.setString(5, input.senderName());
            statement.executeUpdate();
        }
    }

    private static List<Task> list(PreparedStatement statement) throws SQLException {
        List<Task> tasks = new ArrayList<>();
        try (ResultSet row = statement.executeQuery()) {
            while (row.next()) {
                tasks.add(new Task(
                        row.getString("task_id"),
                        row.getString("created_at"),
                        row.getString("updated_at"),
                        TaskStatus.valueOf(row.getString("status")),
                        row.getString("title"),
                        row.getString("thread_id"),
                        row.getString("scope_id"),
                        new Task.Requester(row.getString("channel"), row.getString("sender_id")),
                        row.getString("risk_level"),
                        new Task.Pointers(row.getString("latest_event_id"))));
            }
        }
        return tasks;
    }
}
