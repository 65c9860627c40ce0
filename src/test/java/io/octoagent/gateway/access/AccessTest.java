package io.octoagent.gateway.access;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.octoagent.gateway.common.Sha256;
import io.octoagent.gateway.support.Api;
import io.octoagent.gateway.support.SseClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Owners, tokens and roles over real HTTP: an owner sees, streams, cancels and prices only its own
 * tasks (another owner's task is a 404, so its existence is not revealed); an admin sees all; no
 * token or a wrong one is a 401 in the JSON error shape; probes stay open; tokens never reach
 * the log.
 */
@QuarkusTest
@TestProfile(AccessTest.WithTokens.class)
class AccessTest {

    static final String ALICE = "tok-alice-5f2b8c1e9d";
    static final String BOB = "tok-bob-7a3c9e2f1b";
    static final String ADMIN = "tok-ops-4d6e8a0c2f";
    static final String CAROL = "tok-carol-8b1d5e3a7c";
    static final Path LOG = Path.of("target", "access-test.log");

    public static class WithTokens implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "octoagent.api-tokens", "alice-laptop:alice:owner:" + Sha256.hex(ALICE)
                            + ",bob-ci:bob:owner:" + Sha256.hex(BOB) + ",ops:ops:admin:" + Sha256.hex(ADMIN)
                            + ",carol:carol:owner:" + Sha256.hex(CAROL),
                    "octoagent.data-dir", "target/test-data-access",
                    "octoagent.budgets-file", "src/test/resources/budgets/access.yaml",
                    "quarkus.http.cors.enabled", "true",
                    "quarkus.http.cors.origins", "https://app.example.com",
                    "quarkus.log.file.enabled", "true",
                    "quarkus.log.file.path", LOG.toString());
        }
    }

    /** An owner sees the budgets its calls are charged to, not another owner's allowance; an admin sees all. */
    @Test
    void anOwnerSeesItsOwnBudgetsAndAnAdminEveryAllowance() {
        for (String token : List.of(ALICE, BOB)) {
            String taskId = given().auth().oauth2(token).contentType(ContentType.JSON)
                    .body(Map.of("text", "budgeted", "idempotency_key", Api.newKey()))
                    .post("/api/message").then().statusCode(201).extract().path("task_id");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> given().auth().oauth2(token)
                    .get("/api/tasks/{id}", taskId).then().extract().path("task.status").equals("SUCCEEDED"));
        }
        List<String> alice = given().auth().oauth2(ALICE).get("/api/budgets").then().statusCode(200).extract()
                .jsonPath().getList("budgets.collect { it.name + '/' + it.scope_value }");
        assertEquals(List.of("company/*", "per-owner/alice"), alice);
        List<String> admin = given().auth().oauth2(ADMIN).get("/api/budgets").then().statusCode(200).extract()
                .jsonPath().getList("budgets.collect { it.name + '/' + it.scope_value }");
        assertTrue(admin.containsAll(List.of("company/*", "per-owner/alice", "per-owner/bob")), admin.toString());
        List<String> carol = given().auth().oauth2(CAROL).get("/api/budgets").then().statusCode(200).extract()
                .jsonPath().getList("budgets.collect { it.name + '/' + it.scope_value }");
        assertEquals(List.of("company/*", "per-owner/carol"), carol, "its own allowance shows before any spend");
        given().get("/api/budgets").then().statusCode(401);
    }

    /** CORS as configured: the listed origin only, and its requests still need a token. */
    @Test
    void configuredCorsAllowsTheListedOriginOnlyAndStillWantsAToken() {
        given().header("Origin", "https://app.example.com").header("Access-Control-Request-Method", "POST")
                .options("/api/message").then()
                .header("Access-Control-Allow-Origin", "https://app.example.com");
        given().header("Origin", "https://evil.example.net").header("Access-Control-Request-Method", "POST")
                .options("/api/message").then()
                .header("Access-Control-Allow-Origin", nullValue());
        given().header("Origin", "https://app.example.com").get("/api/tasks").then().statusCode(401);
        given().header("Origin", "https://app.example.com").auth().oauth2(ALICE).get("/api/tasks").then()
                .statusCode(200).header("Access-Control-Allow-Origin", "https://app.example.com");
    }

    @Test
    void withoutAValidTokenTheApiIs401InTheJsonShapeAndProbesStayOpen() {
        for (RequestSpecification request : List.of(given(), given().auth().oauth2("not-a-token"))) {
            request.get("/api/tasks").then().statusCode(401)
                    .header("WWW-Authenticate", "Bearer")
                    .header("X-Request-ID", notNullValue())
                    .body("error.code", equalTo("UNAUTHORIZED"));
        }
        given().contentType(ContentType.JSON).body(Map.of("text", "hi", "idempotency_key", "anon"))
                .post("/api/message").then().statusCode(401);
        given().get("/api/stream/task/01ARZ3NDEKTSV4RRFFQ69G5FAV").then().statusCode(401);
        given().get("/health").then().statusCode(200);
        given().get("/ready").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
    }

    @Test
    void anOwnerSeesOnlyItsOwnTasksAndAnAdminSeesAll() throws Exception {
        String alices = as(ALICE).contentType(ContentType.JSON)
                .body(Map.of("text", "alice's secret plan", "idempotency_key", Api.newKey(), "sender_id", "bob"))
                .post("/api/message").then().statusCode(201).extract().path("task_id");
        String bobs = as(BOB).contentType(ContentType.JSON)
                .body(Map.of("text", "bob's notes", "idempotency_key", Api.newKey()))
                .post("/api/message").then().statusCode(201).extract().path("task_id");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Api.TERMINAL.contains(
                as(ALICE).get("/api/tasks/{id}", alices).then().extract().path("task.status")));

        as(ALICE).get("/api/tasks/{id}", alices).then().statusCode(200)
                .body("task.requester.sender_id", equalTo("alice")); // the token's owner, not the body's
        as(BOB).get("/api/tasks/{id}", alices).then().statusCode(404).body("error.code", equalTo("TASK_NOT_FOUND"));
        as(BOB).get("/api/tasks/{id}/cost", alices).then().statusCode(404);
        as(BOB).post("/api/tasks/{id}/cancel", alices).then().statusCode(404);
        as(BOB).contentType(ContentType.JSON).body(Map.of("task_id", alices)).post("/api/stream/ticket")
                .then().statusCode(404);
        try (SseClient stream = SseClient.open(RestAssured.port, "/api/stream/task/" + alices,
                Map.of("Authorization", "Bearer " + BOB), false)) {
            assertEquals(404, stream.status());
        }
        as(BOB).get("/api/tasks?limit=500").then().statusCode(200)
                .body("tasks.task_id", not(hasItem(alices))).body("tasks.task_id", hasItem(bobs));
        as(BOB).get("/api/cost/summary").then().statusCode(200);

        as(ADMIN).get("/api/tasks/{id}", alices).then().statusCode(200);
        as(ADMIN).get("/api/tasks/{id}/cost", bobs).then().statusCode(200);
        as(ADMIN).get("/api/tasks?limit=500").then().statusCode(200)
                .body("tasks.task_id", hasItem(alices)).body("tasks.task_id", hasItem(bobs));
        try (SseClient stream = SseClient.open(RestAssured.port, "/api/stream/task/" + alices,
                Map.of("Authorization", "Bearer " + ALICE), true)) {
            assertEquals(200, stream.status());
            assertFalse(stream.eventsUntilEnd(Duration.ofSeconds(20)).isEmpty());
        }
    }

    @Test
    void idempotencyKeysArePerOwnerAndAConflictNeverNamesAnotherOwnersTask() {
        String key = Api.newKey();
        String alices = as(ALICE).contentType(ContentType.JSON).body(Map.of("text", "same key", "idempotency_key", key))
                .post("/api/message").then().statusCode(201).extract().path("task_id");
        String bobs = as(BOB).contentType(ContentType.JSON).body(Map.of("text", "other text", "idempotency_key", key))
                .post("/api/message").then().statusCode(201).extract().path("task_id");
        assertNotEquals(alices, bobs, "one key, two owners: two tasks");
        String conflict = as(ALICE).contentType(ContentType.JSON)
                .body(Map.of("text", "same key", "idempotency_key", key, "model_alias", "router"))
                .post("/api/message").then().statusCode(409).body("error.code", equalTo("IDEMPOTENCY_CONFLICT"))
                .extract().asString();
        assertFalse(conflict.contains(bobs), conflict);
    }

    @Test
    void theIdempotencyKeyHeaderWinsAndMustAgreeWithTheBody() {
        String key = Api.newKey();
        String first = as(ALICE).contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body(Map.of("text", "by header")).post("/api/message").then().statusCode(201).extract().path("task_id");
        as(ALICE).contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body(Map.of("text", "by header", "idempotency_key", key)).post("/api/message")
                .then().statusCode(200).body("task_id", equalTo(first));
        as(ALICE).contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body(Map.of("text", "by header", "idempotency_key", "something-else")).post("/api/message")
                .then().statusCode(422).body("error.message", startsWith("idempotency_key"));
    }

    @Test
    void aStreamTicketOpensOneStreamOnceWithoutAHeader() throws Exception {
        String taskId = as(ALICE).contentType(ContentType.JSON).body(Map.of("text", "watch me",
                "idempotency_key", Api.newKey())).post("/api/message").then().statusCode(201).extract().path("task_id");
        String url = as(ALICE).contentType(ContentType.JSON).body(Map.of("task_id", taskId)).post("/api/stream/ticket")
                .then().statusCode(200).body("expires_in_seconds", equalTo(60)).extract().path("stream_url");
        // As a browser EventSource does it: GET with the ticket in the URL, no Authorization header.
        try (SseClient stream = SseClient.open(RestAssured.port, url, Map.of(), true)) {
            assertEquals(200, stream.status());
            assertFalse(stream.eventsUntilEnd(Duration.ofSeconds(20)).isEmpty());
        }
        try (SseClient again = SseClient.open(RestAssured.port, url, Map.of(), false)) {
            assertEquals(401, again.status(), "a ticket opens one stream, once");
        }
        String otherTask = as(ALICE).contentType(ContentType.JSON).body(Map.of("text", "another",
                "idempotency_key", Api.newKey())).post("/api/message").then().extract().path("task_id");
        String ticket = as(ALICE).contentType(ContentType.JSON).body(Map.of("task_id", taskId))
                .post("/api/stream/ticket").then().extract().path("ticket");
        try (SseClient wrongTask = SseClient.open(RestAssured.port, "/api/stream/task/" + otherTask + "?ticket="
                + ticket, Map.of(), false)) {
            assertEquals(401, wrongTask.status(), "a ticket is bound to its task");
        }
    }

    @Test
    void tokensNeverReachTheLog() throws Exception {
        as(ALICE).get("/api/tasks").then().statusCode(200);
        given().auth().oauth2("wrong-" + ALICE).get("/api/tasks").then().statusCode(401);
        String log = Files.readString(LOG);
        assertTrue(log.contains("API token(s) configured"), "the log file is this application's");
        for (String token : List.of(ALICE, BOB, ADMIN)) {
            assertFalse(log.contains(token), "a token reached the log");
        }
    }

    private static RequestSpecification as(String token) {
        return given().auth().oauth2(token);
    }
}
