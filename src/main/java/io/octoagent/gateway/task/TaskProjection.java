package io.octoagent.gateway.task;

import io.octoagent.gateway.event.Event;
import io.octoagent.gateway.event.EventType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Folds one event into the {@code tasks} table. The same code runs on every append and on a
 * full rebuild, which is why a rebuilt table equals the original.
 */
final class TaskProjection {

    private TaskProjection() {
    }

    static void apply(Connection connection, Event event) throws SQLException {
        if (event.type() == EventType.TASK_CREATED) {
            insertTask(connection, event);
        } else if (event.type() == EventType.STATE_TRANSITION) {
            try (PreparedStatement statement = connection.prepareStatement(
                    "UPDATE tasks SET status = ? WHERE task_id = ?")) {
                statement.setString(1, event.payloadText("to_status"));
                statement.setString(2, event.taskId());
                statement.executeUpdate();
            }
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "UPDATE tasks SET updated_at = ?, latest_event_id = ? WHERE task_id = ?")) {
            statement.setString(1, event.ts());
            statement.setString(2, event.eventId());
            statement.setString(3, event.taskId());
            statement.executeUpdate();
        }
    }

    private static void insertTask(Connection connection, Event created) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "INSERT INTO tasks (task_id, created_at, updated_at, status, title, thread_id, scope_id, channel,"
                        + " sender_id, risk_level, trace_id, latest_event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            statement.setString(1, created.taskId());
            statement.setString(2, created.ts());
            statement.setString(3, created.ts());
            statement.setString(4, TaskStatus.CREATED.name());
            statement.setString(5, created.payloadText("title"));
            statement.setString(6, created.payloadText("thread_id"));
            statement.setString(7, created.payloadText("scope_id"));
            statement.setString(8, created.payloadText("channel"));
            statement.setString(9, created.payloadText("sender_id"));
            statement.setString(10, "low");
            statement.setString(11, created.traceId());
            statement.setString(12, created.eventId());
            statement.executeUpdate();
        }
    }
}
