package io.octoagent.gateway.event;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.octoagent.gateway.common.Json;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL for the append-only {@code events} table; callers supply the connection (reader or writer). */
@ApplicationScoped
public class EventStore {

    private static final String COLUMNS = "event_id, task_id, task_seq, ts, type, schema_version, actor, payload,"
            + " trace_id, span_id, parent_event_id, idempotency_key";

    private final ObjectMapper mapper;
    private final LegacyPayloads legacyPayloads;

    public EventStore(ObjectMapper mapper, LegacyPayloads legacyPayloads) {
        this.mapper = mapper;
        this.legacyPayloads = legacyPayloads;
    }

    /** The next {@code task_seq} of a task; only meaningful on the writer connection. */
    public long nextSeq(Connection connection, String taskId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT COALESCE(MAX(task_seq), 0) + 1 FROM events WHERE task_id = ?")) {
            statement.setString(1, taskId);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** Inserts {@code event}; {@code payloadJson} is its payload as stored (see {@link EventPayload}). */
    public void insert(Connection connection, Event event, String payloadJson) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "INSERT INTO events (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            statement.setString(1, event.eventId());
            statement.setString(2, event.taskId());
            statement.setLong(3, event.taskSeq());
            statement.setString(4, event.ts());
            statement.setString(5, event.type().name());
            statement.setInt(6, event.schemaVersion());
            statement.setString(7, event.actor().wire());
            statement.setString(8, payloadJson);
            statement.setString(9, event.traceId());
            statement.setString(10, event.spanId());
            statement.setString(11, event.causality().parentEventId());
            statement.setString(12, event.causality().idempotencyKey());
            statement.executeUpdate();
        }
    }

    /** A task's events with {@code task_seq > afterSeq}, in order. */
    public List<Event> listAfter(Connection connection, String taskId, long afterSeq) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM events WHERE task_id = ? AND task_seq > ? ORDER BY task_seq")) {
            statement.setString(1, taskId);
            statement.setLong(2, afterSeq);
            return list(statement);
        }
    }

    /** A task's events with {@code fromSeq <= task_seq <= toSeq}, in order. */
    public List<Event> listBetween(Connection connection, String taskId, long fromSeq, long toSeq)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + COLUMNS
                + " FROM events WHERE task_id = ? AND task_seq BETWEEN ? AND ? ORDER BY task_seq")) {
            statement.setString(1, taskId);
            statement.setLong(2, fromSeq);
            statement.setLong(3, toSeq);
            return list(statement);
        }
    }

    public List<Event> listByTask(Connection connection, String taskId) throws SQLException {
        return listAfter(connection, taskId, 0);
    }

    /** Every event of every task, ordered by task then sequence (projection rebuild). */
    public List<Event> listAll(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM events ORDER BY task_id, task_seq")) {
            return list(statement);
        }
    }

    public Optional<Event> findById(Connection connection, String eventId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM events WHERE event_id = ?")) {
            statement.setString(1, eventId);
            return list(statement).stream().findFirst();
        }
    }

    private List<Event> list(PreparedStatement statement) throws SQLException {
        List<Event> events = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                events.add(map(rows));
            }
        }
        return events;
    }

    private Event map(ResultSet row) throws SQLException {
        EventType type = EventType.valueOf(row.getString("type"));
        return new Event(
                row.getString("event_id"),
                row.getString("task_id"),
                row.getLong("task_seq"),
                row.getString("ts"),
                type,
                row.getInt("schema_version"),
                Actor.fromWire(row.getString("actor")),
                legacyPayloads.upgrade(type, Json.readObject(mapper, row.getString("payload"))),
                row.getString("trace_id"),
                row.getString("span_id"),
                new Causality(row.getString("parent_event_id"), row.getString("idempotency_key")));
    }
}
