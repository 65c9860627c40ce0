package io.octoagent.gateway.task;

import static io.octoagent.gateway.support.Api.awaitTerminal;
import static io.octoagent.gateway.support.Api.newKey;
import static io.octoagent.gateway.support.Api.submit;
import static io.octoagent.gateway.support.Api.submitText;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The task API over real HTTP; {@code TaskApiIT} runs the same tests against the packaged jar. */
@QuarkusTest
class TaskApiTest {

    private static final String ULID = "[0-7][0-9A-HJKMNP-TV-Z]{25}";

    @Test
    void submitAcknowledgesAndTheEchoPipelineSucceeds() {
        String key = newKey();
        String taskId = submit(Map.of("text", "hello octo", "idempotency_key", key))
                .then().statusCode(201)
                .body("task_id", matchesPattern(ULID))
                .body("status", equalTo("CREATED"))
                .body("created", equalTo(true))
                .extract().path("task_id");

        JsonPath detail = awaitTerminal(taskId);
        assertEquals("SUCCEEDED", detail.getString("task.status"));
        assertEquals("hello octo", detail.getString("task.title"));
        assertEquals("default", detail.getString("task.thread_id"));
        assertEquals("chat:web:default", detail.getString("task.scope_id"));
        assertEquals("web", detail.getString("task.requester.channel"));
        assertEquals("low", detail.getString("task.risk_level"));
        assertTrue(detail.getString("task.created_at").endsWith("Z"));

        List<String> types = detail.getList("events.type");
        assertEquals(List.of("TASK_CREATED", "USER_MESSAGE", "STATE_TRANSITION", "ARTIFACT_CREATED",
                "MODEL_CALL_STARTED", "ARTIFACT_CREATED", "MODEL_CALL_COMPLETED", "STATE_TRANSITION"), types);
        List<Integer> seqs = detail.getList("events.task_seq");
        for (int i = 0; i < seqs.size(); i++) {
            assertEquals(i + 1, seqs.get(i));
        }
        assertEquals(1, new HashSet<>(detail.getList("events.trace_id")).size(), "one trace per task");
        List<String> ids = detail.getList("events.event_id");
        assertEquals(ids.stream().sorted().toList(), ids, "event ids are time-ordered");
        assertEquals(detail.getString("task.pointers.latest_event_id"), ids.get(ids.size() - 1));
        assertEquals(key, detail.getString("events[0].causality.idempotency_key"));
        assertEquals(ids.get(0), detail.getString("events[1].causality.parent_event_id"));

        Map<String, Object> userMessage = detail.getMap("events[1].payload");
        assertEquals("hello octo", userMessage.get("text_preview"));
        assertEquals(10, userMessage.get("text_length"));

        Map<String, Object> completed = detail.getMap("events[6].payload");
        assertEquals("Echo: hello octo", completed.get("response_summary"));
        assertEquals(false, completed.get("response_truncated"));
        assertEquals("echo", completed.get("model_name"));
        assertEquals("echo", completed.get("provider"));
        assertEquals(0.0f, ((Number) completed.get("cost_usd")).floatValue());
        assertNotNull(completed.get("duration_ms"));
        assertEquals(Map.of("prompt_tokens", 0, "completion_tokens", 0, "total_tokens", 0), completed.get("token_usage"));

        assertEquals("RUNNING", detail.getString("events[7].payload.from_status"));
        assertEquals("SUCCEEDED", detail.getString("events[7].payload.to_status"));

        List<String> artifactNames = detail.getList("artifacts.name");
        assertEquals(List.of("llm-request", "llm-response"), artifactNames);
        String responseArtifact = detail.getString("events[6].payload.artifact_ref");
        assertEquals(detail.getString("artifacts[1].artifact_id"), responseArtifact);
        assertEquals(detail.getString("artifacts[0].artifact_id"), detail.getString("events[4].payload.artifact_ref"));

        given().get("/api/artifacts/{id}/content", responseArtifact)
                .then().statusCode(200)
                .contentType(containsString("text/plain"))
                .body(equalTo("Echo: hello octo"));
        given().get("/api/artifacts/{id}/content", detail.getString("artifacts[0].artifact_id"))
                .then().statusCode(200)
                .contentType(containsString("application/json"))
                .body("messages[0].content", equalTo("hello octo"))
                .body("model_alias", equalTo("main"));
    }

    @Test
    void optionalFieldsShapeTheTask() {
        String taskId = submit(Map.of("text", "scoped", "idempotency_key", newKey(), "channel", "telegram",
                "thread_id", "t-42", "sender_id", "u-7", "sender_name", "Ada", "model_alias", "summarizer"))
                .then().statusCode(201).extract().path("task_id");
        JsonPath detail = awaitTerminal(taskId);
        assertEquals("chat:telegram:t-42", detail.getString("task.scope_id"));
        assertEquals("u-7", detail.getString("task.requester.sender_id"));
        assertEquals("summarizer", detail.getString("events[4].payload.model_alias"));
        assertEquals("cheap", detail.getString("events[4].payload.runtime_group"));
    }

    @Test
    void theSameKeyReturnsTheExistingTask() {
        String key = newKey();
        String first = submit(Map.of("text", "once", "idempotency_key", key)).then().statusCode(201)
                .extract().path("task_id");
        submit(Map.of("text", "once", "idempotency_key", key))
                .then().statusCode(200)
                .body("task_id", equalTo(first))
                .body("created", equalTo(false))
                .body("status", notNullValue());
    }

    @Test
    void theSameKeyWithOtherTextConflicts() {
        String key = newKey();
        submit(Map.of("text", "first text", "idempotency_key", key)).then().statusCode(201);
        submit(Map.of("text", "second text", "idempotency_key", key))
                .then().statusCode(409)
                .body("error.code", equalTo("IDEMPOTENCY_CONFLICT"));
    }

    @Test
    void concurrentRequestsWithOneKeyCreateOneTask() throws Exception {
        String key = newKey();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Callable<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                calls.add(() -> submit(Map.of("text", "race", "idempotency_key", key)));
            }
            int created = 0;
            Set<String> ids = new HashSet<>();
            for (Future<Response> future : pool.invokeAll(calls)) {
                Response response = future.get();
                assertTrue(response.statusCode() == 201 || response.statusCode() == 200, response.asString());
                created += response.statusCode() == 201 ? 1 : 0;
                ids.add(response.path("task_id"));
            }
            assertEquals(1, created);
            assertEquals(1, ids.size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void malformedJsonIs400() {
        given().contentType(ContentType.JSON).body("{\"text\": \"unterminated")
                .post("/api/message")
                .then().statusCode(400)
                .body("error.code", equalTo("INVALID_JSON"));
        given().contentType(ContentType.JSON).body("")
                .post("/api/message")
                .then().statusCode(400)
                .body("error.code", equalTo("INVALID_JSON"));
        given().contentType(ContentType.JSON).body("[1, 2]")
                .post("/api/message")
                .then().statusCode(400)
                .body("error.code", equalTo("INVALID_JSON"));
    }

    @Test
    void ruleViolationsAre422NamingTheField() {
        expect422(Map.of("text", "   ", "idempotency_key", newKey()), "text");
        expect422(Map.of("idempotency_key", newKey()), "text");
        expect422(Map.of("text", "hi"), "idempotency_key");
        expect422(Map.of("text", "hi", "idempotency_key", ""), "idempotency_key");
        expect422(Map.of("text", "hi", "idempotency_key", "k".repeat(129)), "idempotency_key");
        expect422(Map.of("text", "hi", "idempotency_key", newKey(), "channel", "a:b"), "channel");
        expect422(Map.of("text", "hi", "idempotency_key", newKey(), "thread_id", "x".repeat(129)), "thread_id");
        expect422(Map.of("text", Map.of("nested", true), "idempotency_key", newKey()), "text");
        String longest = (newKey() + "k".repeat(128)).substring(0, 128);
        submit(Map.of("text", "hi", "idempotency_key", longest)).then().statusCode(201);
    }

    @Test
    void unknownModelAliasListsTheValidOnes() {
        submit(Map.of("text", "hi", "idempotency_key", newKey(), "model_alias", "gpt-9"))
                .then().statusCode(422)
                .body("error.code", equalTo("UNKNOWN_MODEL_ALIAS"))
                .body("error.message", containsString("planner"))
                .body("error.message", containsString("cheap"));
        submit(Map.of("text", "hi", "idempotency_key", newKey(), "model_alias", "cheap")).then().statusCode(201);
    }

    @Test
    void bodiesOverOneMebibyteAre413() {
        String huge = "{\"text\": \"" + "x".repeat(1024 * 1024 + 10) + "\", \"idempotency_key\": \"big\"}";
        given().contentType(ContentType.JSON).body(huge.getBytes(StandardCharsets.UTF_8))
                .post("/api/message")
                .then().statusCode(413)
                .body("error.code", equalTo("PAYLOAD_TOO_LARGE"));
    }

    @Test
    void unknownAndMalformedTaskIdsAre404() {
        given().get("/api/tasks/{id}", "01ARZ3NDEKTSV4RRFFQ69G5FAV")
                .then().statusCode(404).body("error.code", equalTo("TASK_NOT_FOUND"));
        given().get("/api/tasks/{id}", "not-a-ulid")
                .then().statusCode(404).body("error.code", equalTo("TASK_NOT_FOUND"));
        given().post("/api/tasks/{id}/cancel", "01ARZ3NDEKTSV4RRFFQ69G5FAV")
                .then().statusCode(404).body("error.code", equalTo("TASK_NOT_FOUND"));
        given().get("/api/tasks/{id}", "%2E%2E%2F%2E%2E%2Fetc")
                .then().statusCode(404);
    }

    @Test
    void unknownArtifactsAre404() {
        given().get("/api/artifacts/{id}/content", "01ARZ3NDEKTSV4RRFFQ69G5FAV")
                .then().statusCode(404).body("error.code", equalTo("ARTIFACT_NOT_FOUND"));
        given().urlEncodingEnabled(false).get("/api/artifacts/..%2F..%2Foctoagent.db/content")
                .then().statusCode(404).body("error.code", notNullValue());
    }

    @Test
    void cancellingATerminalTaskIs409() {
        String taskId = submitText("finish first");
        awaitTerminal(taskId);
        given().post("/api/tasks/{id}/cancel", taskId)
                .then().statusCode(409)
                .body("error.code", equalTo("TASK_ALREADY_TERMINAL"));
    }

    @Test
    void listingIsNewestFirstWithCursorPagination() {
        List<String> mine = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            mine.add(submitText("page " + i));
        }
        Response first = given().queryParam("limit", 2).get("/api/tasks");
        first.then().statusCode(200).body("tasks", hasSize(2)).body("next_cursor", notNullValue());
        List<String> firstIds = first.jsonPath().getList("tasks.task_id");
        assertEquals(mine.get(4), firstIds.get(0));
        assertEquals(mine.get(3), firstIds.get(1));

        List<String> second = given().queryParam("limit", 2).queryParam("cursor", (Object) first.path("next_cursor"))
                .get("/api/tasks").then().statusCode(200).extract().jsonPath().getList("tasks.task_id");
        assertEquals(List.of(mine.get(2), mine.get(1)), second);

        List<String> all = given().queryParam("limit", 500).get("/api/tasks").jsonPath().getList("tasks.task_id");
        assertEquals(all.stream().sorted((a, b) -> b.compareTo(a)).toList(), all);
    }

    @Test
    void listingFiltersByStatus() {
        String taskId = submitText("to filter");
        awaitTerminal(taskId);
        List<String> statuses = given().queryParam("status", "SUCCEEDED").queryParam("limit", 500)
                .get("/api/tasks").then().statusCode(200).extract().jsonPath().getList("tasks.status");
        assertFalse(statuses.isEmpty());
        assertTrue(statuses.stream().allMatch("SUCCEEDED"::equals));
        given().queryParam("status", "CANCELLED").queryParam("limit", 500).get("/api/tasks")
                .then().statusCode(200).body("tasks.task_id", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem(taskId)));
    }

    @Test
    void listingRejectsBadParameters() {
        given().queryParam("limit", 0).get("/api/tasks").then().statusCode(422).body("error.message", containsString("limit"));
        given().queryParam("limit", 501).get("/api/tasks").then().statusCode(422).body("error.message", containsString("limit"));
        given().queryParam("limit", "ten").get("/api/tasks").then().statusCode(422).body("error.message", containsString("limit"));
        given().queryParam("status", "DONE").get("/api/tasks").then().statusCode(422).body("error.message", containsString("status"));
        given().queryParam("cursor", "../../x").get("/api/tasks").then().statusCode(422).body("error.message", containsString("cursor"));
        given().get("/api/tasks").then().statusCode(200).body("tasks.size()", org.hamcrest.Matchers.lessThanOrEqualTo(50));
    }

    @Test
    void longAnswersAreTruncatedInTheEventAndWholeInTheFileArtifact() {
        String text = "é".repeat(6000); // 12,000 UTF-8 bytes: over the 8 KiB summary and the 4 KiB inline limit
        JsonPath detail = awaitTerminal(submitText(text));
        Map<String, Object> completed = detail.getMap("events.find { it.type == 'MODEL_CALL_COMPLETED' }.payload");
        assertEquals(true, completed.get("response_truncated"));
        String summary = (String) completed.get("response_summary");
        assertTrue(summary.endsWith(ResponseSummary.MARKER));
        String kept = summary.substring(0, summary.length() - ResponseSummary.MARKER.length());
        assertTrue(kept.getBytes(StandardCharsets.UTF_8).length <= ResponseSummary.MAX_BYTES);
        assertTrue(kept.getBytes(StandardCharsets.UTF_8).length > ResponseSummary.MAX_BYTES - 2);

        String artifactId = (String) completed.get("artifact_ref");
        Map<String, Object> artifact = detail.getMap("artifacts.find { it.artifact_id == '" + artifactId + "' }");
        assertEquals("artifacts/" + detail.getString("task.task_id") + "/" + artifactId, artifact.get("storage_ref"));
        assertEquals(("Echo: " + text).getBytes(StandardCharsets.UTF_8).length, artifact.get("size"));
        assertNull(((List<Map<String, Object>>) artifact.get("parts")).get(0).get("content"));
        String body = given().get("/api/artifacts/{id}/content", artifactId).then().statusCode(200).extract().asString();
        assertEquals("Echo: " + text, body);
    }

    @Test
    void healthAnswersOk() {
        given().get("/health").then().statusCode(200).body("status", equalTo("ok"));
    }

    @Test
    void requestIdIsEchoedOrAssigned() {
        given().header("X-Request-ID", "req-123").get("/health")
                .then().header("X-Request-ID", equalTo("req-123"));
        given().get("/health").then().header("X-Request-ID", matchesPattern(ULID));
        given().header("X-Request-ID", "bad id with spaces\u0001").get("/health")
                .then().header("X-Request-ID", matchesPattern(ULID));
    }

    @Test
    void unknownRoutesAnswerWithTheErrorShape() {
        given().get("/api/nothing-here").then().statusCode(404).body("error.code", notNullValue());
        given().contentType(ContentType.TEXT).body("hi").post("/api/message")
                .then().statusCode(415).body("error.code", notNullValue());
    }

    private static void expect422(Map<String, Object> body, String field) {
        submit(body).then().statusCode(422)
                .body("error.code", equalTo("VALIDATION_ERROR"))
                .body("error.message", containsString(field));
    }
}
