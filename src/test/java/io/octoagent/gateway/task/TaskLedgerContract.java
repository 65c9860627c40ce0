package io.octoagent.gateway.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.octoagent.gateway.access.Caller;
import io.octoagent.gateway.event.Actor;
import io.octoagent.gateway.event.ErrorPayload;
import io.octoagent.gateway.event.Event;
import io.octoagent.gateway.event.EventStore;
import io.octoagent.gateway.event.EventType;
import io.octoagent.gateway.store.Store;
import io.octoagent.gateway.support.Api;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The store contract, as the ledger relies on it, run against each engine (a real SQLite file,
 * a real PostgreSQL server): sequences, guards, idempotency under concurrency, rollback and
 * after-commit actions, append-only events, projection rebuild.
 */
abstract class TaskLedgerContract {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    TaskLedger ledger;

    @Inject
    Store store;

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
    void concurrentRequestsWithOneKeyCreateExactlyOneTask() {
        String key = "once-" + UUID.randomUUID();
        NewTask task = new NewTask("only once", key, "test", "default", "tester", null, "main", null);
        List<Uni<Submission>> racing = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            racing.add(Uni.createFrom().deferred(() -> ledger.create(task, TaskIntake.RECORD_ONLY))
                    .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()));
        }
        List<Submission> answers = Uni.join().all(racing).andFailFast().await().atMost(WAIT);
        assertEquals(1, answers.stream().map(answer -> answer.task().taskId()).distinct().count());
        assertEquals(1, answers.stream().filter(Submission::created).count(), "exactly one request created it");
        int created = store.readNow(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT COUNT(*) FROM idempotency_keys k"
                    + " JOIN events e ON e.task_id = k.task_id AND e.type = 'TASK_CREATED' WHERE k.idempotency_key = ?")) {
                statement.setString(1, key);
                try (ResultSet row = statement.executeQuery()) {
                    row.next();
                    return row.getInt(1);
                }
            }
        });
        assertEquals(1, created);
    }

    @Test
    void aFailedWriteLeavesNothingAndRunsNoAfterCommitAction() {
        String taskId = createOnly("rollback");
        AtomicBoolean ran = new AtomicBoolean();
        assertThrows(IllegalStateException.class, () -> ledger.step(taskId, step -> {
            step.append(EventType.ERROR, Actor.SYSTEM, new ErrorPayload("system", "rolled back", false, ""));
            step.afterCommit(() -> ran.set(true));
            throw new IllegalStateException("the step fails after writing");
        }).await().atMost(WAIT));
        assertEquals(2, store.readNow(connection -> events.listByTask(connection, taskId)).size());
        assertFalse(ran.get(), "an after-commit action of a rolled-back write ran");
    }

    @Test
    void afterCommitActionsSeeTheirWriteCommitted() {
        String taskId = createOnly("visible");
        CompletableFuture<Integer> seen = new CompletableFuture<>();
        ledger.step(taskId, step -> {
            step.append(EventType.ERROR, Actor.SYSTEM, new ErrorPayload("system", "committed", false, ""));
            step.afterCommit(() -> Infrastructure.getDefaultWorkerPool().execute(() -> seen.complete(
                    store.readNow(connection -> events.listByTask(connection, taskId)).size())));
            return null;
        }).await().atMost(WAIT);
        assertEquals(3, seen.orTimeout(30, TimeUnit.SECONDS).join());
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
