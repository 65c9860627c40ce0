package io.octoagent.gateway.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.octoagent.gateway.access.Caller;
import io.octoagent.gateway.event.Actor;
import io.octoagent.gateway.event.ErrorPayload;
import io.octoagent.gateway.event.Event;
import io.octoagent.gateway.event.EventStore;
import io.octoagent.gateway.event.EventType;
import io.octoagent.gateway.store.SqliteStore;
import io.octoagent.gateway.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The write side against the real SQLite file: sequences, guards, projection rebuild. */
@QuarkusTest
class TaskLedgerTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    TaskLedger ledger;

    @Inject
    SqliteStore store;

    @Inject
    EventStore events;

    @Inject
    TaskService service;

    @Test
    void concurrentStepsOnOneTaskGetGapFreeSequences() {
        String taskId = createOnly("seq");
        List<Uni<Event>> appends = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            appends.add(ledger.step(taskId, step -> step.append(EventType.ERROR, Actor.SYSTEM,
                    new ErrorPayload("business", "probe", true, ""))));
        }
        Uni.join().all(appends).andFailFast().await().atMost(WAIT);
        List<Event> history = store.readNow(connection -> events.listByTask(connection, taskId));
        assertEquals(202, history.size());
        for (int i = 0; i < history.size(); i++) {
            assertEquals(i + 1, history.get(i).taskSeq());
            if (i > 0) {
                assertTrue(history.get(i).eventId().compareTo(history.get(i - 1).eventId()) > 0, "ULIDs ordered");
                assertEquals(history.get(i - 1).eventId(), history.get(i).causality().parentEventId());
            }
        }
    }

    @Test
    void nothingIsWrittenAfterATerminalState() {
        String taskId = createOnly("cancel me");
        ledger.transition(taskId, TaskStatus.CANCELLED, "test", Actor.USER).await().atMost(WAIT);
        Throwable failure = assertThrows(RuntimeException.class, () -> ledger.step(taskId,
                step -> step.append(EventType.ERROR, Actor.SYSTEM, new ErrorPayload("system", "late", false, "")))
                .await().atMost(WAIT));
        assertInstanceOf(TaskNotActiveException.class, failure);
        assertEquals(3, store.readNow(connection -> events.listByTask(connection, taskId)).size());
    }

    @Test
    void illegalTransitionsAreRefused() {
        String taskId = createOnly("illegal");
        assertThrows(IllegalStateException.class, () ->
                ledger.transition(taskId, TaskStatus.SUCCEEDED, "skip running", Actor.KERNEL).await().atMost(WAIT));
    }

    @Test
    void eventsCannotBeUpdatedOrDeleted() {
        String taskId = createOnly("immutable");
        for (String sql : List.of("UPDATE events SET type = 'ERROR' WHERE task_id = '" + taskId + "'",
                "DELETE FROM events WHERE task_id = '" + taskId + "'")) {
            RuntimeException failure = assertThrows(RuntimeException.class, () -> store.write(context -> {
                try (Statement statement = context.connection().createStatement()) {
                    return statement.executeUpdate(sql);
                }
            }).await().atMost(WAIT));
            assertTrue(String.valueOf(failure.getMessage()).contains("append-only"), failure.toString());
        }
    }

    @Test
    void rebuildingTheProjectionReproducesItExactly() {
        createOnly("stays created");
        String running = createOnly("stays running");
        ledger.transition(running, TaskStatus.RUNNING, "test", Actor.KERNEL).await().atMost(WAIT);
        String failed = createOnly("fails");
        ledger.transition(failed, TaskStatus.RUNNING, "test", Actor.KERNEL).await().atMost(WAIT);
        ledger.transition(failed, TaskStatus.FAILED, "test", Actor.KERNEL).await().atMost(WAIT);
        String cancelled = createOnly("cancelled");
        service.cancel(cancelled, Caller.SYSTEM).await().atMost(WAIT);
        Api.awaitTerminal(Api.submitText("succeeds"));

        List<Map<String, Object>> before = snapshot();
        assertTrue(before.stream().map(row -> row.get("status")).distinct().count() >= 5,
                "the store holds tasks in every status in use");
        int replayed = ledger.rebuildProjection().await().atMost(WAIT);
        List<Map<String, Object>> after = snapshot();
        assertTrue(replayed > 0);
        assertEquals(before.size(), after.size());
        for (int i = 0; i < before.size(); i++) {
            assertEquals(before.get(i), after.get(i), "row " + before.get(i).get("task_id"));
        }
    }

    private String createOnly(String text) {
        NewTask task = new NewTask(text, "ledger-" + UUID.randomUUID(), "test", "default", "tester", null, "main", null);
        return ledger.create(task, TaskIntake.RECORD_ONLY).await().atMost(WAIT).task().taskId();
    }

    private List<Map<String, Object>> snapshot() {
        return store.readNow(connection -> {
            List<Map<String, Object>> rows = new ArrayList<>();
            try (Statement statement = connection.createStatement();
                 ResultSet row = statement.executeQuery("SELECT * FROM tasks ORDER BY task_id")) {
                ResultSetMetaData meta = row.getMetaData();
                while (row.next()) {
                    Map<String, Object> values = new LinkedHashMap<>();
                    for (int column = 1; column <= meta.getColumnCount(); column++) {
                        values.put(meta.getColumnName(column), row.getObject(column));
                    }
                    rows.add(values);
                }
            }
            return rows;
        });
    }
}
