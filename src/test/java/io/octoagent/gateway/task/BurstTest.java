package io.octoagent.gateway.task;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.octoagent.gateway.support.ProxyReplies.completionFor;
import static io.octoagent.gateway.support.ProxyReplies.success;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.octoagent.gateway.support.Api;
import io.octoagent.gateway.support.LiteLlmProxyStub;
import io.octoagent.gateway.support.Pause;
import io.octoagent.gateway.support.ProxyStubbedTest;
import io.octoagent.gateway.support.TestHttp;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A burst against a healthy proxy that takes 0.5 s per answer, with a 2 s call timeout: every
 * task must get its real answer. Calls beyond the concurrency limit wait in the backlog, not on
 * the HTTP client's pool with their timeout running, and so never trip the breaker.
 */
@QuarkusTest
@QuarkusTestResource(value = LiteLlmProxyStub.class, restrictToAnnotatedClass = true)
class BurstTest extends ProxyStubbedTest {

    private static final int TASKS = 400;
    private static final int SENDERS = 32;

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void fourHundredTasksAtOnceAllGetRealAnswers() throws Exception {
        proxy.stubFor(completionFor("main").willReturn(success("a real answer", "gpt-4o", "main",
                LiteLlmProxyStub.MAIN_ID, "0.0001", 10, 5).withFixedDelay(500)));

        AtomicBoolean bursting = new AtomicBoolean(true);
        AtomicInteger maxInflight = new AtomicInteger();
        AtomicInteger maxBacklog = new AtomicInteger();
        Thread sampler = new Thread(() -> {
            while (bursting.get()) {
                JsonPath work = given().get("/ready").then().extract().jsonPath();
                maxInflight.accumulateAndGet(work.getInt("work.inflight"), Math::max);
                maxBacklog.accumulateAndGet(work.getInt("work.backlog"), Math::max);
                Pause.millis(50);
            }
        });
        sampler.start();

        long start = System.nanoTime();
        ConcurrentLinkedQueue<String> taskIds = new ConcurrentLinkedQueue<>();
        HttpClient client = TestHttp.newClient();
        String uri = "http://127.0.0.1:" + RestAssured.port + "/api/message";
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        List<Future<Integer>> sent = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            String body = "{\"text\":\"burst question " + i + "\",\"idempotency_key\":\"" + Api.newKey() + "\"}";
            sent.add(senders.submit(() -> {
                HttpResponse<String> response = TestHttp.postJson(client, uri, body);
                if (response.statusCode() == 201) {
                    taskIds.add(mapper.readTree(response.body()).path("task_id").asText());
                }
                return response.statusCode();
            }));
        }
        for (Future<Integer> status : sent) {
            assertEquals(201, status.get(60, TimeUnit.SECONDS));
        }
        senders.shutdown();

        int fallbacks = 0;
        int succeeded = 0;
        List<String> reasons = new ArrayList<>();
        String base = "http://127.0.0.1:" + RestAssured.port + "/api/tasks/";
        for (String taskId : taskIds) {
            JsonNode detail = mapper.readTree(TestHttp.get(client, base + taskId).body());
            while (!Api.TERMINAL.contains(detail.path("task").path("status").asText())
                    && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(90)) {
                Pause.millis(50);
                detail = mapper.readTree(TestHttp.get(client, base + taskId).body());
            }
            if ("SUCCEEDED".equals(detail.path("task").path("status").asText())) {
                succeeded++;
            }
            for (JsonNode event : detail.path("events")) {
                if (event.path("type").asText().equals("MODEL_CALL_COMPLETED")
                        && event.path("payload").path("is_fallback").asBoolean()) {
                    fallbacks++;
                    if (reasons.size() < 5) {
                        reasons.add(event.path("payload").path("fallback_reason").asText());
                    }
                }
            }
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        bursting.set(false);
        sampler.join();
        System.out.printf("[BurstTest] %d tasks, %d succeeded, %d echo fallbacks, %d proxy calls, %d s; "
                        + "peak in flight %d, peak backlog %d%n", taskIds.size(), succeeded, fallbacks,
                proxy.countRequestsMatching(postRequestedFor(urlEqualTo("/chat/completions")).build()).getCount(),
                seconds, maxInflight.get(), maxBacklog.get());

        assertEquals(TASKS, taskIds.size());
        assertEquals(0, fallbacks, "tasks answered by the echo fallback, e.g. " + reasons);
        assertEquals(TASKS, succeeded);
        assertTrue(maxInflight.get() <= 64, "at most OCTOAGENT_LLM_MAX_CONCURRENCY tasks in flight: " + maxInflight);
        assertTrue(maxBacklog.get() > 0, "the burst should have waited in the backlog");
    }
}
