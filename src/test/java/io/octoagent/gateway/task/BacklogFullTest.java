package io.octoagent.gateway.task;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.octoagent.gateway.support.Api;
import io.octoagent.gateway.support.PrometheusText;
import io.octoagent.gateway.support.RawProxy;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With two slots and room for three waiting tasks, against a proxy that never answers: two tasks
 * run, three wait CREATED, and the next submission is refused with 429 and Retry-After rather
 * than acknowledged; a repeated key is still answered; a slot freed by a cancel is taken by the
 * oldest waiting task.
 */
@QuarkusTest
@QuarkusTestResource(value = RawProxy.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "octoagent.llm.max-concurrency", value = "2"),
        @ResourceArg(name = "octoagent.max-backlog", value = "3"),
        @ResourceArg(name = "octoagent.llm.timeout-s", value = "60"),
        @ResourceArg(name = "octoagent.data-dir", value = "target/test-data-backlog")})
class BacklogFullTest {

    @Test
    void pastTheBacklogSubmissionsAreRefusedWithRetryAfter() {
        RawProxy.current().hang(true);
        List<String> keys = new ArrayList<>();
        List<String> tasks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String key = Api.newKey();
            keys.add(key);
            tasks.add(Api.submit(Map.of("text", "waiting " + i, "idempotency_key", key))
                    .then().statusCode(201).extract().path("task_id"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> RawProxy.current().calls().size() == 2);
        given().get("/ready").then().statusCode(200)
                .body("work.inflight", equalTo(2)).body("work.backlog", equalTo(3))
                .body("work.max_concurrency", equalTo(2)).body("work.max_backlog", equalTo(3));
        // (Values are read through /ready: a gauge's value in a JVM that restarted the application
        // for earlier test profiles may come from Micrometer's process-wide registry.)
        PrometheusText metrics = PrometheusText.scrape();
        assertTrue(metrics.has("octoagent_tasks_backlog"), "backlog gauge");
        assertTrue(metrics.has("octoagent_tasks_inflight"), "in-flight gauge");

        String refusedRetryAfter = Api.submit(Map.of("text", "one too many", "idempotency_key", Api.newKey()))
                .then().statusCode(429)
                .body("error.code", equalTo("BACKLOG_FULL"))
                .header("Retry-After", notNullValue())
                .header("X-Request-ID", notNullValue())
                .extract().header("Retry-After");
        long seconds = Long.parseLong(refusedRetryAfter);
        assertTrue(seconds >= 1 && seconds <= 60, "Retry-After " + seconds);

        // A repeat of an acknowledged key is not new work: it is answered as before.
        Api.submit(Map.of("text", "waiting 4", "idempotency_key", keys.get(4)))
                .then().statusCode(200).body("task_id", equalTo(tasks.get(4)));

        // Cancelling a running task frees its slot for the oldest waiting one.
        given().post("/api/tasks/{id}/cancel", tasks.get(0)).then().statusCode(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> RawProxy.current().calls().size() == 3);
        given().get("/api/tasks/{id}", tasks.get(2)).then().body("task.status", equalTo("RUNNING"));
        given().get("/api/tasks/{id}", tasks.get(3)).then().body("task.status", equalTo("CREATED"));
        tasks.add(Api.submit(Map.of("text", "room again", "idempotency_key", Api.newKey()))
                .then().statusCode(201).extract().path("task_id"));

        for (String taskId : tasks.subList(1, tasks.size())) {
            given().post("/api/tasks/{id}/cancel", taskId).then().statusCode(200);
        }
    }
}
