package io.octoagent.gateway.event;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.octoagent.gateway.store.SqliteStore;
import io.octoagent.gateway.task.NewTask;
import io.octoagent.gateway.task.TaskIntake;
import io.octoagent.gateway.task.TaskLedger;
import io.octoagent.gateway.common.Timestamps;
import io.octoagent.gateway.common.Ulid;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Events written before the cost fields existed, inserted as raw rows, still read and serve. */
@QuarkusTest
class LegacyEventsTest {

    @Inject
    TaskLedger ledger;

    @Inject
    SqliteStore store;

    @Test
    void oldModelCallPayloadsAreServedWithDefaults() {
        NewTask task = new NewTask("old", "legacy-" + UUID.randomUUID(), "test", "default", "tester", null, "main", null);
        String taskId = ledger.create(task, TaskIntake.RECORD_ONLY).await().atMost(Duration.ofSeconds(10)).task().taskId();
        insertRaw(taskId, 3, "MODEL_CALL_COMPLETED", "{\"model_alias\":\"main\",\"response_summary\":\"old answer\","
                + "\"duration_ms\":12,\"token_usage\":{\"prompt\":7,\"completion\":5,\"total\":12},\"artifact_ref\":\"\"}");
        insertRaw(taskId, 4, "MODEL_CALL_FAILED", "{\"model_alias\":\"main\",\"error_type\":\"timeout\","
                + "\"error_message\":\"old failure\",\"duration_ms\":30000}");
        insertRaw(taskId, 5, "MODEL_CALL_COMPLETED", "{\"model_alias\":\"main\",\"response_summary\":\"no usage\","
                + "\"duration_ms\":3}");

        JsonPath detail = given().get("/api/tasks/{id}", taskId).then().statusCode(200).extract().jsonPath()
                .using(new JsonPathConfig(JsonPathConfig.NumberReturnType.DOUBLE));
        Map<String, Object> completed = detail.getMap("events[2].payload");
        assertEquals("", completed.get("model_name"));
        assertEquals("", completed.get("provider"));
        assertEquals(0.0, ((Number) completed.get("cost_usd")).doubleValue());
        assertEquals(false, completed.get("cost_unavailable"));
        assertEquals(false, completed.get("is_fallback"));
        assertEquals(Map.of("prompt_tokens", 7, "completion_tokens", 5, "total_tokens", 12),
                completed.get("token_usage"));
        assertEquals("old answer", completed.get("response_summary"));

        Map<String, Object> failed = detail.getMap("events[3].payload");
        assertEquals("", failed.get("model_name"));
        assertEquals("", failed.get("provider"));
        assertEquals(false, failed.get("is_fallback"));
        assertEquals("old failure", failed.get("error_message"));

        assertEquals(Map.of("prompt_tokens", 0, "completion_tokens", 0, "total_tokens", 0),
                detail.getMap("events[4].payload.token_usage"));

        JsonPath cost = given().get("/api/tasks/{id}/cost", taskId).then().statusCode(200).extract().jsonPath();
        assertEquals(2, cost.getInt("spend.calls"));
        assertEquals(12, cost.getInt("spend.token_usage.total_tokens"));
        assertEquals(7, cost.getInt("spend.token_usage.prompt_tokens"));
        given().get("/api/cost/summary").then().statusCode(200);
    }

    /** Writes a row as the older version did: the event, and the projection's pointers with it. */
    private void insertRaw(String taskId, int seq, String type, String payload) {
        String eventId = Ulid.next();
        String ts = Timestamps.now();
        store.write(context -> {
            try (PreparedStatement statement = context.connection().prepareStatement(
                    "INSERT INTO events (event_id, task_id, task_seq, ts, type, schema_version, actor, payload,"
                            + " trace_id, span_id) VALUES (?, ?, ?, ?, ?, 1, 'worker', ?, 'legacytrace', 'legacyspan')");
                 PreparedStatement projection = context.connection().prepareStatement(
                         "UPDATE tasks SET updated_at = ?, latest_event_id = ? WHERE task_id = ?")) {
                statement.setString(1, eventId);
                statement.setString(2, taskId);
                statement.setInt(3, seq);
                statement.setString(4, ts);
                statement.setString(5, type);
                statement.setString(6, payload);
                statement.executeUpdate();
                projection.setString(1, ts);
                projection.setString(2, eventId);
                projection.setString(3, taskId);
                return projection.executeUpdate();
            }
        }).await().atMost(Duration.ofSeconds(10));
    }
}
