package io.octoagent.gateway.support;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Black-box helpers over real HTTP, shared by @QuarkusTest and @QuarkusIntegrationTest classes. */
public final class Api {

    public static final Set<String> TERMINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED", "REJECTED");

    private Api() {
    }

    public static String newKey() {
        return "key-" + UUID.randomUUID();
    }

    public static Response submit(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).post("/api/message");
    }

    /** Posts {@code json} exactly as written. */
    public static Response submitRaw(String json) {
        return given().contentType(ContentType.JSON).body(json).post("/api/message");
    }

    /** Submits {@code text} with a fresh idempotency key and returns the new task id. */
    public static String submitText(String text) {
        return submit(Map.of("text", text, "idempotency_key", newKey()))
                .then().statusCode(201).extract().path("task_id");
    }

    public static String submitText(String text, String alias) {
        return submit(Map.of("text", text, "idempotency_key", newKey(), "model_alias", alias))
                .then().statusCode(201).extract().path("task_id");
    }

    public static JsonPath detail(String taskId) {
        return given().get("/api/tasks/{id}", taskId).then().statusCode(200).extract().jsonPath();
    }

    /** Waits until the task reaches a terminal state and returns its detail. */
    public static JsonPath awaitTerminal(String taskId) {
        String[] last = new String[1];
        await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                .until(() -> TERMINAL.contains(JsonPath.from(last[0] = given().get("/api/tasks/{id}", taskId).then()
                        .statusCode(200).extract().asString()).getString("task.status")));
        // Unparsed: callers may read it with their own number types (JsonPath.using).
        return JsonPath.from(last[0]);
    }
}
